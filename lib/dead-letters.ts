/**
 * A dead-letter queue with an alarm, for event targets: what EventBridge could not
 * deliver and what the function kept failing on lands here, encrypted, for 14 days, and
 * the alarm says so. The reconciler and the TTL sweeper both use one.
 */
import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * @param alarmDescription what it means for the product when messages arrive here.
 */
export function deadLetterQueueWithAlarm(scope: Construct, alarmDescription: string): Queue {
  const queue = new Queue(scope, 'DeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  queue
    .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
    .createAlarm(scope, 'DeadLettersAlarm', {
      alarmDescription,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  return queue;
}
