/**
 * The execution reconciler: an EventBridge rule on the state machines' "Execution Status
 * Change" events for executions that ended outside the normal path (FAILED, TIMED_OUT,
 * ABORTED), targeting `functions/events/reconcile-execution.ts`, which settles the
 * operation and environment the workflow could not settle itself.
 *
 * Nothing is lost silently: an event EventBridge cannot deliver (after its retries) and an
 * event whose handler keeps failing (after Lambda's asynchronous retries) both land in one
 * encrypted dead-letter queue, kept 14 days for inspection and redrive, with an alarm as
 * soon as anything is in it.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deadLetterQueueWithAlarm } from './dead-letters.ts';
import { acknowledgeIndexWildcard } from './nag.ts';
import { NodeFunction } from './node-function.ts';
import { eventHandlerEntry } from './paths.ts';

/** The event's `detail-type`, as Step Functions sends it to the default event bus. */
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

/** The statuses the workflow cannot settle itself: the execution ended before its last step. */
export const RECONCILED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** Inputs of the reconciler. */
export interface ExecutionReconcilerProps {
  /** The single table; the reconciler settles operations and environments in it. */
  readonly table: ITable;
  /** The state machines whose executions it settles. */
  readonly stateMachines: Iterable<IStateMachine>;
}

/** What messages in the dead-letter queue mean. */
const ALARM_DESCRIPTION =
  'Execution status changes the reconciler could not handle: some operation may be stuck in a transitional status';

/** The rule, its target function and their dead-letter queue. */
export class ExecutionReconciler extends Construct {
  /** `functions/events/reconcile-execution.ts`. */
  readonly function: NodeFunction;
  /** Status changes of the state machines' executions that need settling. */
  readonly rule: Rule;
  /** Events that could not be delivered or handled. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: ExecutionReconcilerProps) {
    super(scope, id);

    this.deadLetterQueue = deadLetterQueueWithAlarm(this, ALARM_DESCRIPTION);

    this.function = new NodeFunction(this, 'Function', {
      entry: eventHandlerEntry('reconcile-execution'),
      description: 'EventBridge target: settles operations whose execution failed, timed out or was aborted',
      // A few reads and one transactional write, like a step; 30 s leaves room for SDK retries.
      timeout: Duration.seconds(30),
      environment: {
        TABLE_NAME: props.table.tableName,
      },
      // After Lambda's two asynchronous retries of a failing invocation.
      deadLetterQueue: this.deadLetterQueue,
    });
    props.table.grantReadWriteData(this.function);
    acknowledgeIndexWildcard(this.function, props.table);

    const stateMachineArns = [...props.stateMachines].map((sm) => sm.stateMachineArn);
    if (stateMachineArns.length === 0) throw new Error('The reconciler needs at least one state machine');
    this.rule = new Rule(this, 'Rule', {
      description: 'Step Functions executions that failed, timed out or were aborted: settle their records',
      eventPattern: {
        source: ['aws.states'],
        detailType: [EXECUTION_STATUS_CHANGE],
        detail: { status: [...RECONCILED_STATUSES], stateMachineArn: stateMachineArns },
      },
    });
    this.rule.addTarget(
      new LambdaFunction(this.function, {
        // Delivery failures (throttling, a missing permission) are retried, then dead-lettered.
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(6),
      }),
    );
  }
}
