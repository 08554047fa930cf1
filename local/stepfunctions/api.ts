/**
 * What the local Step Functions promises its callers, and what its parts share: the
 * options, the operations, an execution as DescribeExecution reports it, the "Execution
 * Status Change" event, the error the operations throw, and the types it borrows from
 * `aws-local-stepfunctions`. `local/stepfunctions.ts` re-exports the public ones.
 */
import type { Context } from 'aws-lambda';
import type { RunOptions, StateMachine } from 'aws-local-stepfunctions';

export type Overrides = NonNullable<RunOptions['overrides']>;
export type TaskHandlers = NonNullable<Overrides['taskResourceLocalHandlers']>;
/** A JSON value, as aws-local-stepfunctions passes between states. */
export type JsonValue = Parameters<TaskHandlers[string]>[0];
type Execution = ReturnType<StateMachine['run']>;
/** One entry of an execution's event log (aws-local-stepfunctions' format). */
export type ExecutionEvent = Execution['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** A Lambda handler as the Node.js runtime calls it. */
export type LambdaHandler = (event: unknown, context: Context) => unknown;

/** Step Functions' limit on a state's input/output (and on an execution's input). */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** An execution's status, as DescribeExecution reports it. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** What DescribeExecution reports, with real dates. */
export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  /** The input, as the JSON string it was started with. */
  input: string;
  /** The output as a JSON string, once SUCCEEDED. */
  output?: string;
  error?: string;
  cause?: string;
}

/** The `detail` of a Step Functions "Execution Status Change" event, as AWS sends it. */
export interface ExecutionStatusChangeDetail {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  /** Epoch milliseconds. */
  startDate: number;
  /** Epoch milliseconds; null while RUNNING. */
  stopDate: number | null;
  /** The execution input, as the JSON string it was started with. */
  input: string;
  inputDetails: { included: boolean };
  /** The output (JSON string) of a SUCCEEDED execution, else null. */
  output: string | null;
  outputDetails: { included: boolean } | null;
  error: string | null;
  cause: string | null;
}

/**
 * The EventBridge event Step Functions puts on the default bus when an execution changes
 * status (`aws-lambda`'s `EventBridgeEvent<'Step Functions Execution Status Change', …>`).
 */
export interface ExecutionStatusChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'Step Functions Execution Status Change';
  source: 'aws.states';
  account: string;
  /** ISO-8601, to the second, as EventBridge writes it. */
  time: string;
  region: string;
  /** The execution ARN. */
  resources: string[];
  detail: ExecutionStatusChangeDetail;
}

/** A state machine definition to load instead of (or besides) the repository's ASL files. */
export interface StateMachineSource {
  name: string;
  /** ASL as text (placeholders are substituted) or as an object. */
  definition: string | object;
}

/** Options of {@link createLocalStepFunctions}. */
export interface LocalStepFunctionsOptions {
  region?: string;
  accountId?: string;
  /** Port for the HTTP endpoint (0 or omitted = ephemeral). */
  port?: number;
  /**
   * The state machines to serve. Defaults to `STATE_MACHINES`, each read from
   * `<statemachinesDir>/<name>.asl.json`.
   */
  stateMachines?: StateMachineSource[];
  statemachinesDir?: string;
  /** Where step handlers live (`<stepsDir>/<function>.ts` exporting `handler`); default `functions/steps`. */
  stepsDir?: string;
  /** In-process handlers by function name; they take precedence over `stepsDir` (tests). */
  functions?: Record<string, LambdaHandler>;
  /** Extra `${Placeholder}` values, besides each step function's `${XxxFunctionArn}`. */
  substitutions?: Record<string, string>;
  /**
   * Make every Wait state sleep this many milliseconds instead of what the definition says.
   * Not needed in local mode (the steps already scale durations); for tests.
   */
  waitOverrideMs?: number;
  /** Make every Retry pause this many milliseconds (tests). */
  retryIntervalOverrideMs?: number;
  /**
   * Multiplies the `TimeoutSeconds` and `HeartbeatSeconds` of callback tasks
   * (`.waitForTaskToken`), e.g. 0.01 makes 5 s last 50 ms (tests). Default 1.
   */
  callbackTimeoutScale?: number;
  /**
   * The step functions' Lambda timeout (default 60 s): past it the task fails with
   * `Sandbox.Timedout`, as Lambda reports it. (A Task's own `TimeoutSeconds` still applies.)
   * It also bounds an `onStatusChange` delivery.
   */
  taskTimeoutMs?: number;
  /** No per-execution log lines. */
  quiet?: boolean;
  /**
   * Keep execution records under `<dir>/executions/` (one JSON file each, written when the
   * execution starts and whenever its status changes). A new instance on the same directory
   * loads them and re-runs, from the start, every execution still RUNNING. Without it,
   * executions live in memory only and are gone with the instance.
   */
  dir?: string;
  /**
   * Re-run interrupted executions (see `dir`) only once this resolves, e.g. once the step
   * handlers' environment is set and the services they call are up. Default: as soon as the
   * endpoint listens. If it rejects, nothing is re-run (the records stay RUNNING on disk).
   */
  resumeAfter?: PromiseLike<unknown>;
  /**
   * Receives the "Execution Status Change" event of every execution that ends FAILED,
   * TIMED_OUT or ABORTED (StopExecution), as an EventBridge rule on those statuses would
   * deliver it: asynchronously, after the status change is recorded. Not called for
   * SUCCEEDED, nor for executions left RUNNING by `stop()`. What it throws or rejects with
   * is logged, never propagated; `stop()` waits for deliveries in flight.
   */
  onStatusChange?: (event: ExecutionStatusChangeEvent) => Promise<void> | void;
}

/** A running Step Functions stand-in: the HTTP endpoint plus the same operations in-process. */
export interface LocalStepFunctions {
  /** `http://127.0.0.1:<port>`, for `SFN_ENDPOINT`. */
  endpoint: string;
  port: number;
  /** State machine ARN by name (`arn:aws:states:<region>:000000000000:stateMachine:<name>`). */
  stateMachineArns: Record<string, string>;
  /** StartExecution, with AWS's naming rules and idempotency. */
  startExecution(params: { stateMachineArn: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  };
  /** DescribeExecution; throws `ExecutionDoesNotExist` for an unknown ARN. */
  describeExecution(executionArn: string): ExecutionDescription;
  /**
   * Resolves once the execution has left RUNNING (rejects after `timeoutMs`, default 120 s,
   * or once this instance is stopped while it is still RUNNING).
   */
  waitForExecution(executionArn: string, timeoutMs?: number): Promise<ExecutionDescription>;
  /** StopExecution: aborts a running execution (status ABORTED). */
  stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: Date };
  /** Executions of one state machine (or all), newest first. */
  listExecutions(stateMachineArn?: string): ExecutionDescription[];
  /**
   * SendTaskSuccess: the callback task of `taskToken` succeeds with `output` (JSON text).
   * Throws `InvalidToken` (malformed), `TaskDoesNotExist` (unknown, answered, or its
   * execution is over), `TaskTimedOut`, `InvalidOutput` (not JSON), as AWS does.
   */
  sendTaskSuccess(taskToken: string, output: string): void;
  /** SendTaskFailure: the callback task fails with `error` and `cause` (Retry/Catch apply). */
  sendTaskFailure(taskToken: string, error?: string, cause?: string): void;
  /** SendTaskHeartbeat: restarts the task's `HeartbeatSeconds`. */
  sendTaskHeartbeat(taskToken: string): void;
  /** The execution's event log so far (entered/exited states, map iterations, retries, catches…). */
  executionEvents(executionArn: string): ExecutionEvent[];
  /**
   * Closes the endpoint and halts the runs in flight. This is not StopExecution: their
   * records stay RUNNING (on disk too, with `dir`, where the next instance re-runs them).
   */
  stop(): Promise<void>;
}

/** An error answered in the AWS JSON protocol (`__type` is what the SDK maps to an exception class). */
export class StepFunctionsError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(code: string, message: string, statusCode = 400) {
    super(message);
    this.name = code;
    this.code = code;
    this.statusCode = statusCode;
  }
}
