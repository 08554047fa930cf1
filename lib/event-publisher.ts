/**
 * The lifecycle event publisher (docs/decisions.md §35): the table's stream (new images)
 * feeds `functions/events/publish-events.ts` through an event source mapping that lets
 * through only inserted event items (`EVENT_STREAM_FILTER`, shared with the local poller).
 * The stores write each event in the transaction of the change it reports; this function
 * counts it once, puts it on the bus (whose rule notifies) and emits its metrics.
 *
 * Delivery is at least once: a failing batch is split in two (bisect) and retried, the
 * function reports the first record it could not handle (ReportBatchItemFailures) so the
 * records before it are not delivered again, and a record that still fails after the
 * retries (or is older than a day) goes to an encrypted on-failure queue with an alarm,
 * rather than blocking its shard.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EVENT_STREAM_FILTER } from '../functions/data/table-design.ts';
import { STATE_MACHINES } from '../functions/steps/step-list.ts';
import { deadLetterQueueWithAlarm } from './dead-letters.ts';
import { NodeFunction } from './node-function.ts';
import type { Notifications } from './notifications.ts';
import { eventHandlerEntry } from './paths.ts';

/** Inputs of the publisher. */
export interface EventPublisherProps {
  /** The single table; it must have a stream (the stateful stack's has, new images). */
  readonly table: ITable;
  /** The bus events go to. */
  readonly notifications: Notifications;
}

/**
 * The state machines a pull-request preview's pending wish starts (docs/decisions.md §46): its
 * destroy, and the rollout of the head SHA. Provisioning is the hook's (an API route), never the
 * publisher's.
 */
export const PREVIEW_STARTS = ['destroy-environment', 'deploy-release'] as const;

/** How the stream is read (the local poller of local/runtime/event-stream.ts uses the same numbers). */
export const EVENT_STREAM_READING = {
  batchSize: 100,
  retryAttempts: 10,
  maxRecordAge: Duration.hours(24),
  maxBatchingWindow: Duration.seconds(1),
} as const;

const ALARM_DESCRIPTION =
  'Lifecycle events the publisher could not publish after its retries: some counters, bus targets or notifications missed them (the events are still in the table)';

/** The function, its event source mapping and the on-failure queue. */
export class EventPublisher extends Construct {
  /** `functions/events/publish-events.ts`. */
  readonly function: NodeFunction;
  /** Stream records that could not be published (their batch's metadata, to find them in the table). */
  readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: EventPublisherProps) {
    super(scope, id);
    if (!props.table.tableStreamArn) throw new Error('The event publisher needs a table with a stream');

    this.failureQueue = deadLetterQueueWithAlarm(this, ALARM_DESCRIPTION);
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the on-failure destination of the stream event source mapping; it needs none of its own',
    });
    this.function = new NodeFunction(this, 'Function', {
      entry: eventHandlerEntry('publish-events'),
      description: 'Table stream target: counts lifecycle events once and puts them on the bus',
      // Up to 100 events, three or four calls each.
      timeout: Duration.seconds(60),
      environment: {
        TABLE_NAME: props.table.tableName,
        EVENT_BUS_NAME: props.notifications.bus.eventBusName,
      },
    });
    // Least privilege: the event item's markers and the counters (UpdateItem, also inside
    // TransactWriteItems) and the published marker's read; no index, no Query, no Put, no Delete.
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
        resources: [props.table.tableArn],
      }),
    );
    props.notifications.grantPublish(this.function);
    // Grants the stream's read actions (and the on-failure queue's SendMessage) to the role.
    this.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: EVENT_STREAM_READING.batchSize,
        maxBatchingWindow: EVENT_STREAM_READING.maxBatchingWindow,
        bisectBatchOnError: true,
        retryAttempts: EVENT_STREAM_READING.retryAttempts,
        maxRecordAge: EVENT_STREAM_READING.maxRecordAge,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.failureQueue),
        filters: [FilterCriteria.filter(EVENT_STREAM_FILTER)],
      }),
    );
  }

  /**
   * The pull-request previews' consumer (docs/decisions.md §46): once a preview's environment
   * settles, it starts the destroy or the deployment its PR asked for meanwhile. That is the
   * transactions of an operation's start and a deployment's (Put, Update, ConditionCheck), their
   * log lines (BatchWriteItem), the preview's item (PutItem), and StartExecution of those two
   * state machines. The workflow configuration validates the two operation ARNs together, so
   * both are in the environment; only the destroy and the rollout may be started.
   */
  actOnPreviews(table: ITable, stateMachines: ReadonlyMap<string, IStateMachine>): void {
    const machine = (name: string): IStateMachine => {
      const found = stateMachines.get(name);
      if (!found) throw new Error(`No state machine ${name}`);
      return found;
    };
    for (const definition of STATE_MACHINES) {
      this.function.addEnvironment(definition.arnVariable, machine(definition.name).stateMachineArn);
    }
    for (const name of PREVIEW_STARTS) machine(name).grantStartExecution(this.function);
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:BatchWriteItem'],
        resources: [table.tableArn],
      }),
    );
  }
}
