/**
 * Lifecycle events and notifications (issue 4, item 3): the EventBridge bus every
 * function publishes lifecycle events to, and an SNS topic fed by one rule on that bus
 * (failures, expiry warnings and operations awaiting approval, the seeds' email notifications). An email address from
 * the `notificationEmail` context value is subscribed to the topic.
 *
 * The local stand-in (`local/eventbridge.ts`) applies the same rule from the same list
 * (`NOTIFIED_EVENT_TYPES`).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { EventBus, EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { type IGrantable, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { detailTypeOf, EVENT_SOURCE, NOTIFIED_EVENT_TYPES } from '../functions/domain/lifecycle-events.ts';
import { deadLetterQueueWithAlarm } from './dead-letters.ts';

const ALARM_DESCRIPTION =
  'Lifecycle notifications EventBridge could not deliver to the SNS topic: someone was not told about a failure or an expiry';

/** Inputs of the notifications. */
export interface NotificationsProps {
  /**
   * Subscribed to the topic (SNS asks it to confirm first).
   * @default the `notificationEmail` context value; none when absent
   */
  readonly email?: string;
}

/** The bus, the notification topic and the rule between them. */
export class Notifications extends Construct {
  /** Where lifecycle events go (`EVENT_BUS_NAME`). */
  readonly bus: EventBus;
  /** Failures, expiry warnings and approvals to give, for email (or any other) subscribers. */
  readonly topic: Topic;
  /** Bus → topic, for the notified event types. */
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: NotificationsProps = {}) {
    super(scope, id);

    this.bus = new EventBus(this, 'Bus', {
      eventBusName: `${Stack.of(this).stackName}-lifecycle`,
      description: 'Lifecycle events of environments, operations and deployments',
    });

    // SNS server-side encryption with a customer managed key: EventBridge can publish to
    // an encrypted topic only if the key lets it (the AWS managed SNS key cannot).
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the lifecycle notification topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.grant(new ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');

    this.topic = new Topic(this, 'Topic', {
      displayName: 'Cloud environments: failures, expiry warnings, approvals',
      masterKey: key,
      enforceSSL: true,
    });

    const email = props.email ?? emailFromContext(this);
    if (email) this.topic.addSubscription(new EmailSubscription(email));

    const deadLetterQueue = deadLetterQueueWithAlarm(this, ALARM_DESCRIPTION);
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the notification rule target; it needs none of its own',
    });
    this.rule = new Rule(this, 'Rule', {
      eventBus: this.bus,
      description: 'Failures, expiry warnings and operations awaiting approval: notify subscribers',
      eventPattern: { source: [EVENT_SOURCE], detailType: NOTIFIED_EVENT_TYPES.map(detailTypeOf) },
    });
    this.rule.addTarget(
      new SnsTopic(this.topic, {
        // The facts a person needs, as JSON (values are escaped properly, unlike text
        // templates), rather than the whole event with its envelope.
        message: RuleTargetInput.fromObject({
          event: EventField.fromPath('$.detail-type'),
          time: EventField.fromPath('$.time'),
          environment_id: EventField.fromPath('$.detail.environment_id'),
          deployment_id: EventField.fromPath('$.detail.deployment_id'),
          detail: EventField.fromPath('$.detail.detail'),
        }),
        deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(24),
      }),
    );
  }

  /** Lets a function publish lifecycle events: `events:PutEvents` on this bus only. */
  grantPublish(grantee: IGrantable): void {
    this.bus.grantPutEventsTo(grantee);
  }
}

/** `cdk deploy -c notificationEmail=ops@example.com`; validated so a typo fails the synth. */
function emailFromContext(scope: Construct): string | undefined {
  const raw: unknown = scope.node.tryGetContext('notificationEmail');
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(raw)) {
    throw new Error(`Context notificationEmail must be an email address, got ${String(raw)}`);
  }
  return raw;
}
