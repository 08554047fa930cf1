/**
 * The executions' lifecycle: starting one (AWS's naming rules and idempotency), running it
 * on aws-local-stepfunctions, settling its record when the run ends, stopping it, waiting
 * for it, and re-running those a previous instance left RUNNING.
 */
import { randomUUID } from 'node:crypto';
import { ExecutionTimeoutError } from 'aws-local-stepfunctions';
import {
  type ExecutionDescription,
  type ExecutionStatus,
  type JsonValue,
  type LocalStepFunctions,
  MAX_PAYLOAD_BYTES,
  StepFunctionsError,
  type TaskHandlers,
} from './api.ts';
import type { LoadedStateMachine } from './definitions.ts';
import { describe, type ExecutionRecord, type ExecutionStore } from './execution-store.ts';
import type { StatusChangeEmitter } from './status-change.ts';
import { TASK_TOKEN_PLACEHOLDER, type TaskTokens, takeTimeouts } from './task-tokens.ts';

/** AWS keeps at most 25,000 history events per execution. */
const MAX_EVENTS = 25_000;

/** AWS's naming rule for executions: 1–80 characters, none of whitespace, wildcards, brackets, control characters. */
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

/** What {@link createExecutionEngine} works with. */
export interface ExecutionEngineOptions {
  /** The state machines served, by ARN. */
  machines: ReadonlyMap<string, LoadedStateMachine>;
  store: ExecutionStore;
  statusChanges: StatusChangeEmitter;
  /** The callback tasks' tokens. */
  taskTokens: TaskTokens;
  /** Multiplies a callback task's `TimeoutSeconds` and `HeartbeatSeconds` (tests); default 1. */
  callbackTimeoutScale?: number;
  /** True once the stand-in is stopped: nothing more is settled or started. */
  isClosed: () => boolean;
  log: (line: string) => void;
}

/** The execution operations of {@link LocalStepFunctions}, and what stopping and restarting need. */
export interface ExecutionEngine
  extends Pick<
    LocalStepFunctions,
    | 'startExecution'
    | 'describeExecution'
    | 'waitForExecution'
    | 'stopExecution'
    | 'listExecutions'
    | 'executionEvents'
  > {
  /**
   * Re-runs the executions a previous instance left RUNNING (see `resumeInterrupted`) once
   * `after` resolves; if it rejects, nothing is re-run. Does not wait for either.
   */
  resumeInterruptedAfter(after: PromiseLike<unknown> | undefined): void;
  /**
   * Halts the runs in flight (for stop()). This is not StopExecution: their records stay
   * RUNNING, in memory and on disk.
   */
  haltRuns(): void;
}

/** The value with every string equal to the token placeholder replaced by the token. */
function withTaskToken(value: JsonValue, token: string): JsonValue {
  if (value === TASK_TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => withTaskToken(item, token));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withTaskToken(item, token)]));
  }
  return value;
}

export function createExecutionEngine(options: ExecutionEngineOptions): ExecutionEngine {
  const { machines, store, statusChanges, taskTokens, isClosed, log } = options;
  const scale = options.callbackTimeoutScale ?? 1;
  const scaledMs = (seconds: number | undefined): number | undefined =>
    seconds === undefined ? undefined : seconds * 1000 * scale;

  /** Runs an execution (a new one, or an interrupted one again) and settles its record when the run ends. */
  const launch = (record: ExecutionRecord): void => {
    const { machine, name, executionArn } = record;
    // Once the run is over (aborted by StopExecution or stop(), timed out, failed), no further
    // Lambda task starts. aws-local-stepfunctions 3 does not stop a Map on abort: its
    // iterations end early (as if they had succeeded), and each later iteration of an outer
    // Map still runs its first state, e.g. the next layer's StartLayer. So a task of a run
    // that is over never settles: nothing waits on it (the run's result is settled already),
    // and it holds no timer.
    let halted = false;
    const taskHandlers: TaskHandlers = {};
    for (const [stateName, handler] of Object.entries(machine.overrides.taskResourceLocalHandlers ?? {})) {
      const callback = machine.callbackTasks.get(stateName);
      taskHandlers[stateName] = callback
        ? async (input) => {
            if (halted) return new Promise<never>(() => undefined);
            const task = takeTimeouts(input, callback);
            // One token per attempt (a Retry runs this again), valid from the task's start.
            const { token, answer } = taskTokens.issue(executionArn, {
              timeoutMs: scaledMs(task.timeoutSeconds),
              heartbeatMs: scaledMs(task.heartbeatSeconds),
            });
            try {
              // Lambda's answer is not the task's result; a Lambda error fails the task.
              const [, output] = await Promise.all([handler(withTaskToken(task.input, token)), answer]);
              return output;
            } catch (error) {
              taskTokens.discard(token);
              throw error;
            }
          }
        : (input) => (halted ? new Promise<never>(() => undefined) : handler(input));
    }
    const run = machine.machine.run(JSON.parse(record.input) as JsonValue, {
      overrides: { ...machine.overrides, taskResourceLocalHandlers: taskHandlers },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          RoleArn: machine.roleArn,
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
        // `$$.Task.Token`: the callback task's override puts the attempt's token in its place.
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      },
    });
    record.abort = () => {
      halted = true;
      run.abort();
      // Its tokens are then unknown (TaskDoesNotExist), and their waits end.
      taskTokens.abandonExecution(executionArn);
    };
    record.events = [];

    const finish = (
      status: ExecutionStatus,
      fields: { output?: string; error?: string; cause?: string },
    ): void => {
      // StopExecution may have settled the record already; after stop() the run was only
      // halted (an aborted run resolves to null), and the execution is still RUNNING.
      if (record.status !== 'RUNNING' || isClosed()) {
        return;
      }
      record.status = status;
      record.stopDate = new Date();
      Object.assign(record, fields);
      store.save(record);
      statusChanges.emit(record);
      const seconds = ((record.stopDate.getTime() - record.startDate.getTime()) / 1000).toFixed(1);
      log(`${machine.name}:${name} ${status} in ${seconds}s${fields.error ? ` (${fields.error})` : ''}`);
    };
    record.settled = run.result.then(
      (output) => {
        halted = true;
        taskTokens.abandonExecution(executionArn);
        finish('SUCCEEDED', { output: JSON.stringify(output ?? null) });
      },
      (error: unknown) => {
        // A timed-out run is aborted by the library, and a failed one is over: same as above.
        halted = true;
        taskTokens.abandonExecution(executionArn);
        if (error instanceof ExecutionTimeoutError) {
          finish('TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out' });
          return;
        }
        // ExecutionError wraps the state's error: its name is the ASL error, its message the cause.
        const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        const failure = inner instanceof Error ? inner : new Error(String(inner));
        finish('FAILED', { error: failure.name, cause: failure.message });
      },
    );
    // Keep the history (also drains the library's event queue).
    const events = record.events;
    void (async () => {
      for await (const event of run.eventLogs) {
        if (events.length < MAX_EVENTS) {
          events.push(event);
        }
      }
    })().catch(() => undefined);
  };

  /**
   * Re-runs, from the start and with the same input, every execution a previous instance
   * left RUNNING: its run was in that process's memory, gone with it. The execution keeps
   * its ARN, name and startDate; its history starts afresh.
   *
   * AWS would have continued the execution where it was rather than restart it. Re-running
   * from the start is safe for this product because the workflow steps are idempotent per
   * operation: the planner resumes the operation's own in-progress stacks and skips the
   * ones it already finished, and every write is conditional on the operation still owning
   * the records.
   */
  const resumeInterrupted = (): void => {
    for (const record of store.records()) {
      if (isClosed()) return;
      // StopExecution may have closed it since it was loaded.
      if (record.status !== 'RUNNING') continue;
      log(`${record.machine.name}:${record.name} interrupted by a restart: running it again from the start`);
      launch(record);
    }
  };

  const startExecution: LocalStepFunctions['startExecution'] = (params) => {
    const machine = machines.get(params.stateMachineArn);
    if (!machine) {
      if (!params.stateMachineArn?.startsWith('arn:')) {
        throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${params.stateMachineArn}'`);
      }
      throw new StepFunctionsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${params.stateMachineArn}'`,
      );
    }
    const name = params.name ?? randomUUID();
    if (!EXECUTION_NAME.test(name)) {
      throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    }
    const input = params.input ?? '{}';
    if (Buffer.byteLength(input) > MAX_PAYLOAD_BYTES) {
      throw new StepFunctionsError(
        'InvalidExecutionInput',
        'Execution input exceeds the maximum size of 262144 bytes',
      );
    }
    try {
      JSON.parse(input);
    } catch {
      throw new StepFunctionsError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${input}'`,
      );
    }
    const executionArn = machine.executionArn(name);
    const existing = store.find(executionArn);
    if (existing) {
      // AWS: the same name and input while the execution is still running is an idempotent
      // retry of the original call; anything else (other input, or a closed execution) is refused.
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }

    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate: new Date(),
      input,
      machine,
      events: [],
      abort: () => undefined,
      settled: Promise.resolve(),
    };
    // On disk before it runs: if the write fails, nothing was started.
    store.add(record);
    log(`${machine.name}:${name} started`);
    launch(record);
    return { executionArn, startDate: record.startDate };
  };

  const stopExecution: LocalStepFunctions['stopExecution'] = (executionArn, error, cause) => {
    const record = store.get(executionArn);
    if (record.status === 'RUNNING') {
      record.status = 'ABORTED';
      record.stopDate = new Date();
      if (error !== undefined) record.error = error;
      if (cause !== undefined) record.cause = cause;
      store.save(record);
      // Like AWS, a Lambda invocation already in flight finishes; no further state starts.
      record.abort();
      log(`${record.machine.name}:${record.name} ABORTED`);
      statusChanges.emit(record);
    }
    return { stopDate: record.stopDate ?? new Date() };
  };

  const waitForExecution: LocalStepFunctions['waitForExecution'] = async (
    executionArn,
    timeoutMs = 120_000,
  ) => {
    const record = store.get(executionArn);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Execution still ${record.status} after ${timeoutMs} ms: ${executionArn}`)),
        timeoutMs,
      );
    });
    try {
      // An aborted execution is settled at once; the others when the run ends.
      while (record.status === 'RUNNING') {
        if (isClosed()) {
          throw new Error(`Execution still RUNNING when the stand-in was stopped: ${executionArn}`);
        }
        await Promise.race([record.settled, timeout, new Promise((r) => setTimeout(r, 50))]);
      }
    } finally {
      clearTimeout(timer);
    }
    return describe(record);
  };

  const listExecutions = (stateMachineArn?: string): ExecutionDescription[] =>
    [...store.records()]
      .filter((record) => !stateMachineArn || record.stateMachineArn === stateMachineArn)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .map(describe);

  return {
    startExecution,
    describeExecution: (executionArn) => describe(store.get(executionArn)),
    waitForExecution,
    stopExecution,
    listExecutions,
    executionEvents: (executionArn) => [...store.get(executionArn).events],
    resumeInterruptedAfter: (after) => {
      if (![...store.records()].some((record) => record.status === 'RUNNING')) return;
      void Promise.resolve(after).then(
        () => {
          try {
            resumeInterrupted();
          } catch (error) {
            console.error('[stepfunctions] could not re-run the interrupted executions:', error);
          }
        },
        // Startup failed: they stay RUNNING on disk, for the next start.
        () => undefined,
      );
    },
    haltRuns: () => {
      for (const record of store.records()) {
        if (record.status === 'RUNNING') {
          record.abort();
        }
      }
    },
  };
}
