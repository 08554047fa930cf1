/**
 * Outgoing webhooks' delivery (docs/decisions.md §45): the event publisher (the table stream's
 * consumer) queues one message per (lifecycle event, matching webhook) on an SQS queue, which
 * feeds `functions/events/send-webhook.ts` through an event source mapping with partial batch
 * responses. A failed attempt with a retry planned comes back when its backoff ends (the sender
 * sets the message's visibility); a message the sender could not handle at all (the table
 * unreachable) comes back after the visibility timeout; after 10 receives (more than the 8
 * attempts of the schedule) it lands in a dead-letter queue with an alarm.
 *
 * The issue asked for an EventBridge rule → SQS; the fan-out needs the project's webhooks (a
 * Query), which a rule cannot do, so the publisher sends to the queue itself.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueueWithAlarm } from './dead-letters.ts';
import type { EventPublisher } from './event-publisher.ts';
import { NodeFunction } from './node-function.ts';
import { eventHandlerEntry } from './paths.ts';

export interface WebhookSenderProps {
  readonly table: ITable;
  /** The publisher that fans lifecycle events out to the queue. */
  readonly publisher: EventPublisher;
}

/** How the queue is read (messages per invocation: each may take up to 15 s). */
export const WEBHOOK_QUEUE_READING = { batchSize: 5, maxReceiveCount: 10 } as const;

/** 5 messages × 15 s, plus the table's calls. */
const SENDER_TIMEOUT = Duration.seconds(90);

const ALARM_DESCRIPTION =
  'Webhook messages the sender could not handle after 10 receives: those deliveries stopped without a final record';

export class WebhookSender extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: NodeFunction;

  constructor(scope: Construct, id: string, props: WebhookSenderProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueueWithAlarm(this, ALARM_DESCRIPTION);
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the webhook queue; it needs none of its own',
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for an event source mapping: six times the function's timeout.
      visibilityTimeout: Duration.seconds(SENDER_TIMEOUT.toSeconds() * 6),
      // The retry schedule spans about 18 hours (WEBHOOK_RETRY_SCHEDULE).
      retentionPeriod: Duration.days(2),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: WEBHOOK_QUEUE_READING.maxReceiveCount,
      },
    });
    this.function = new NodeFunction(this, 'Function', {
      entry: eventHandlerEntry('send-webhook'),
      description: 'Webhook sender: one signed POST per queued message, recorded on its delivery',
      timeout: SENDER_TIMEOUT,
      environment: { TABLE_NAME: props.table.tableName },
    });
    // Least privilege: the webhook (read, disabled on 410) and its delivery record (read, put).
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [props.table.tableArn],
      }),
    );
    // Grants the queue's receive and delete actions to the role.
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: WEBHOOK_QUEUE_READING.batchSize,
        reportBatchItemFailures: true,
      }),
    );

    // The fan-out: the publisher queries the project's webhooks and sends to the queue.
    const publisher = props.publisher.function;
    publisher.addEnvironment('WEBHOOK_QUEUE_URL', this.queue.queueUrl);
    this.queue.grantSendMessages(publisher);
    // A retry sets its message's visibility to the backoff (ChangeMessageVisibility).
    this.function.addEnvironment('WEBHOOK_QUEUE_URL', this.queue.queueUrl);
    publisher.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [props.table.tableArn] }),
    );
  }
}
