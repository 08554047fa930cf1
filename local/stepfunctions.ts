/**
 * A local Step Functions: the real ASL files run by `aws-local-stepfunctions`, behind a
 * small HTTP endpoint that speaks the AWS JSON 1.0 protocol, so `@aws-sdk/client-sfn`
 * (and the AWS CLI) talk to it unchanged with `endpoint` set.
 *
 * Lambda tasks are served in-process: every `Task` state (including those nested in Map
 * item processors) is overridden by name with a dispatcher that reads the function name
 * the state passes (`Parameters.FunctionName`) and calls the matching step function's
 * handler (`functions/steps/<name>.ts`) the way Lambda would: JSON-serialised payload, a Lambda
 * context, and failures reported with Lambda's `errorType` (the thrown error's `name`) so
 * Retry and Catch match exactly as they do in AWS.
 *
 * Execution records live in memory and, with the `dir` option, also on disk (one JSON file
 * per execution), so that like AWS an execution outlives the process that started it: a
 * new instance on the same directory answers DescribeExecution/ListExecutions for the old
 * records and re-runs every execution that was still RUNNING (see `resumeInterrupted`).
 *
 * Like Step Functions on the default event bus, it emits a "Step Functions Execution
 * Status Change" event (the EventBridge event, same shape) when an execution ends FAILED,
 * TIMED_OUT or ABORTED, to the `onStatusChange` option (see {@link ExecutionStatusChangeEvent}).
 *
 * Callback tasks (`arn:aws:states:::lambda:invoke.waitForTaskToken`), which the library
 * does not implement, get `$$.Task.Token` and wait for SendTaskSuccess / SendTaskFailure
 * (with `TimeoutSeconds` and `HeartbeatSeconds`), see `task-tokens.ts` and decisions §42.
 *
 * The parts, under `local/stepfunctions/`: `api.ts` (the options, operations and records),
 * `lambda-tasks.ts` (Lambda, in-process), `task-tokens.ts` (the callback pattern), `definitions.ts` (the ASL, substituted and wired),
 * `execution-store.ts` (the records, in memory and on disk), `engine.ts` (the executions'
 * lifecycle), `status-change.ts` (the EventBridge events), `history-events.ts`
 * (GetExecutionHistory) and `protocol.ts` (the HTTP endpoint). This file puts them together.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_ACCOUNT_ID } from './lambda-context.ts';
import type { LocalStepFunctions, LocalStepFunctionsOptions } from './stepfunctions/api.ts';
import { loadStateMachines } from './stepfunctions/definitions.ts';
import { createExecutionEngine } from './stepfunctions/engine.ts';
import { createExecutionStore } from './stepfunctions/execution-store.ts';
import { createLambdaTasks } from './stepfunctions/lambda-tasks.ts';
import { startProtocolServer } from './stepfunctions/protocol.ts';
import { createStatusChangeEmitter } from './stepfunctions/status-change.ts';
import { createTaskTokens } from './stepfunctions/task-tokens.ts';

export {
  type ExecutionDescription,
  type ExecutionEvent,
  type ExecutionStatus,
  type ExecutionStatusChangeDetail,
  type ExecutionStatusChangeEvent,
  type LambdaHandler,
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
  type StateMachineSource,
  StepFunctionsError,
} from './stepfunctions/api.ts';
export { EMITTED_STATUSES } from './stepfunctions/status-change.ts';

/** Where the repository keeps its ASL files and step handlers. */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_STATEMACHINES_DIR = join(repoRoot, 'statemachines');
const DEFAULT_STEPS_DIR = join(repoRoot, 'functions', 'steps');

/** Creates the Step Functions stand-in and starts its HTTP endpoint. */
export async function createLocalStepFunctions(
  options: LocalStepFunctionsOptions = {},
): Promise<LocalStepFunctions> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const taskTimeoutMs = options.taskTimeoutMs ?? 60_000;
  const log = (line: string): void => {
    if (!options.quiet) {
      console.log(`[stepfunctions] ${line}`);
    }
  };
  /** Set by stop(): nothing more is written, settled or started by this instance. */
  let closed = false;
  const isClosed = (): boolean => closed;

  const lambdaTasks = createLambdaTasks({
    region,
    accountId,
    stepsDir: options.stepsDir ?? DEFAULT_STEPS_DIR,
    functions: options.functions,
    taskTimeoutMs,
  });
  const machines = await loadStateMachines({
    region,
    accountId,
    stateMachines: options.stateMachines,
    statemachinesDir: options.statemachinesDir ?? DEFAULT_STATEMACHINES_DIR,
    substitutions: options.substitutions,
    taskHandler: lambdaTasks.taskHandler,
    waitOverrideMs: options.waitOverrideMs,
    retryIntervalOverrideMs: options.retryIntervalOverrideMs,
  });
  const store = createExecutionStore({ dir: options.dir, machines, isClosed, log });
  const statusChanges = createStatusChangeEmitter({
    region,
    accountId,
    onStatusChange: options.onStatusChange,
    timeoutMs: taskTimeoutMs,
    isClosed,
  });
  const taskTokens = createTaskTokens();
  const engine = createExecutionEngine({
    machines,
    store,
    statusChanges,
    taskTokens,
    callbackTimeoutScale: options.callbackTimeoutScale,
    isClosed,
    log,
  });

  await store.load();
  const server = await startProtocolServer({ port: options.port, machines, engine, taskTokens });

  const stateMachineArns: Record<string, string> = {};
  for (const machine of machines.values()) {
    stateMachineArns[machine.name] = machine.arn;
  }

  // After the endpoint listens, and without holding up startup.
  engine.resumeInterruptedAfter(options.resumeAfter);

  let stopping: Promise<void> | undefined;
  return {
    endpoint: server.endpoint,
    port: server.port,
    stateMachineArns,
    startExecution: engine.startExecution,
    describeExecution: engine.describeExecution,
    waitForExecution: engine.waitForExecution,
    stopExecution: engine.stopExecution,
    listExecutions: engine.listExecutions,
    executionEvents: engine.executionEvents,
    sendTaskSuccess: (taskToken, output) => taskTokens.sendTaskSuccess(taskToken, output),
    sendTaskFailure: (taskToken, error, cause) => taskTokens.sendTaskFailure(taskToken, error, cause),
    sendTaskHeartbeat: (taskToken) => taskTokens.sendTaskHeartbeat(taskToken),
    stop: () => {
      stopping ??= (async () => {
        // Not StopExecution: the executions stay RUNNING, in memory and on disk, for the
        // next instance to re-run. Halting the runs keeps any further state from starting
        // (a Lambda invocation in flight finishes) and clears pending Wait timers, which
        // would otherwise keep the process alive.
        closed = true;
        engine.haltRuns();
        // The tokens are gone with this instance (the next one re-runs and issues new ones).
        taskTokens.abandonAll();
        await server.close();
        // Status changes already emitted are delivered (their handler may still be writing).
        await statusChanges.drain();
      })();
      return stopping;
    },
  };
}
