/**
 * The TTL sweeper: an EventBridge schedule (every minute) targeting
 * `functions/events/sweep-environments.ts`, which starts a destroy operation for every
 * ephemeral environment past `expires_at`. It finds them with a query on the sparse
 * expiry index (GSI4), never a scan.
 *
 * As for the reconciler, nothing fails silently: a scheduled event EventBridge cannot
 * deliver (after its retries) and one whose invocation keeps failing (after Lambda's
 * asynchronous retries) both land in one encrypted dead-letter queue, with an alarm.
 * Retrying a sweep for long is pointless (the next one comes a minute later and does the
 * same work), so delivery retries stop after a few minutes; what the queue shows is that
 * sweeps keep failing.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { OPERATION_STATE_MACHINES } from '../functions/steps/step-list.ts';
import { deadLetterQueueWithAlarm } from './dead-letters.ts';
import { acknowledgeIndexWildcard } from './nag.ts';
import { NodeFunction } from './node-function.ts';
import { eventHandlerEntry } from './paths.ts';

/** How often the sweeper runs in AWS. */
export const SWEEP_SCHEDULE: Schedule = Schedule.rate(Duration.minutes(1));

/**
 * The state machines the sweeper starts: teardown of an expired environment, and the
 * redeploy of drifted stacks when a scheduled drift check remediates. Never a rollout.
 */
export const SWEEPER_STARTS = ['destroy-environment', 'provision-environment'] as const;

/** Inputs of the sweeper. */
export interface EnvironmentSweeperProps {
  /** The single table; the sweeper queries the expiry index and records the operations. */
  readonly table: ITable;
  /**
   * The state machines by name. The sweeper may start only `destroy-environment`; it is
   * told every ARN because the workflow config validates them all.
   */
  readonly stateMachines: ReadonlyMap<string, IStateMachine>;
  /** Multiplier of simulated durations (`SIMULATION_TIME_SCALE`), the same as the steps'. */
  readonly simulationTimeScale: number;
  /** `APPROVAL_TIMEOUT_SECONDS` (a drift remediation of a protected environment waits for approval). */
  readonly approvalTimeoutSeconds?: number;
}

/** What messages in the dead-letter queue mean. */
const ALARM_DESCRIPTION =
  'Scheduled sweeps that could not be delivered or kept failing: expired environments may not be torn down';

/** The schedule, its target function and their dead-letter queue. */
export class EnvironmentSweeper extends Construct {
  /** `functions/events/sweep-environments.ts`. */
  readonly function: NodeFunction;
  /** The schedule: every minute. */
  readonly rule: Rule;
  /** Scheduled events that could not be delivered or handled. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: EnvironmentSweeperProps) {
    super(scope, id);

    const environment: Record<string, string> = {
      TABLE_NAME: props.table.tableName,
      SIMULATION_TIME_SCALE: String(props.simulationTimeScale),
      ...(props.approvalTimeoutSeconds === undefined
        ? {}
        : { APPROVAL_TIMEOUT_SECONDS: String(props.approvalTimeoutSeconds) }),
    };
    for (const definition of OPERATION_STATE_MACHINES) {
      environment[definition.arnVariable] = requireStateMachine(
        props.stateMachines,
        definition.name,
      ).stateMachineArn;
    }

    this.deadLetterQueue = deadLetterQueueWithAlarm(this, ALARM_DESCRIPTION);

    this.function = new NodeFunction(this, 'Function', {
      entry: eventHandlerEntry('sweep-environments'),
      description:
        'Scheduled every minute: expiry warnings and teardown, due drift checks, stalled deployments',
      // One index query and a conditional write plus a StartExecution per expired environment.
      timeout: Duration.seconds(60),
      environment,
      // After Lambda's two asynchronous retries of a failing invocation.
      deadLetterQueue: this.deadLetterQueue,
    });
    props.table.grantReadWriteData(this.function);
    acknowledgeIndexWildcard(this.function, props.table);
    for (const name of SWEEPER_STARTS) {
      requireStateMachine(props.stateMachines, name).grantStartExecution(this.function);
    }

    this.rule = new Rule(this, 'Rule', {
      description: 'Every minute: tear down ephemeral environments past expires_at',
      schedule: SWEEP_SCHEDULE,
    });
    this.rule.addTarget(
      new LambdaFunction(this.function, {
        // Delivery failures (throttling, a missing permission) are retried, then dead-lettered.
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 3,
        // The next sweep a minute later does the same work: an old event is worth little.
        maxEventAge: Duration.minutes(10),
      }),
    );
  }
}

function requireStateMachine(stateMachines: ReadonlyMap<string, IStateMachine>, name: string): IStateMachine {
  const stateMachine = stateMachines.get(name);
  if (!stateMachine) throw new Error(`The sweeper needs the ${name} state machine`);
  return stateMachine;
}
