/**
 * Task tokens: the callback pattern (`arn:aws:states:::lambda:invoke.waitForTaskToken`),
 * which aws-local-stepfunctions does not implement. A callback task gets a fresh token per
 * attempt; it stays pending until SendTaskSuccess / SendTaskFailure answers that token, or
 * its `TimeoutSeconds` / `HeartbeatSeconds` runs out (SendTaskHeartbeat resets the
 * latter). Tokens live in this process's memory only: after a restart the execution is
 * re-run from the start (see the engine) and its task gets a new token; the old one is
 * then unknown (`TaskDoesNotExist`), see docs/decisions.md §42.
 */
import { randomBytes } from 'node:crypto';
import { type JsonValue, MAX_PAYLOAD_BYTES, StepFunctionsError } from './api.ts';

/**
 * What `$$.Task.Token` resolves to while the library evaluates a state's Parameters: the
 * library builds the context object once per run, so the callback task's override
 * substitutes this value in its (already evaluated) input with the attempt's own token.
 */
export const TASK_TOKEN_PLACEHOLDER = 'local-stepfunctions:task-token-placeholder';

/**
 * The Parameters fields that carry a callback task's `TimeoutSecondsPath` /
 * `HeartbeatSecondsPath` values into its override (see definitions.ts).
 */
export const TIMEOUT_SECONDS_KEY = 'local-stepfunctions:TimeoutSeconds';
export const HEARTBEAT_SECONDS_KEY = 'local-stepfunctions:HeartbeatSeconds';

/**
 * Takes the path-given timeouts out of a callback task's evaluated Parameters: the task's
 * own input (what Lambda gets) and the timeouts, statically given ones as a fallback.
 * A value that is not a positive integer fails the task with `States.Runtime`, as AWS does.
 */
export function takeTimeouts(
  input: JsonValue,
  given: { timeoutSeconds?: number; heartbeatSeconds?: number },
): { input: JsonValue; timeoutSeconds?: number; heartbeatSeconds?: number } {
  const taken: { input: JsonValue; timeoutSeconds?: number; heartbeatSeconds?: number } = { input, ...given };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return taken;
  const { [TIMEOUT_SECONDS_KEY]: timeout, [HEARTBEAT_SECONDS_KEY]: heartbeat, ...rest } = input;
  const seconds = (field: string, value: JsonValue | undefined): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new CallbackTaskError(
        'States.Runtime',
        `${field} must be a positive integer, got ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
  taken.input = rest;
  const timeoutSeconds = seconds('TimeoutSecondsPath', timeout);
  const heartbeatSeconds = seconds('HeartbeatSecondsPath', heartbeat);
  if (timeoutSeconds !== undefined) taken.timeoutSeconds = timeoutSeconds;
  if (heartbeatSeconds !== undefined) taken.heartbeatSeconds = heartbeatSeconds;
  return taken;
}

/** A token: 64 random bytes, base64url (AWS's are opaque strings of up to 2048 characters). */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{86}$/;

/** `setTimeout` cannot wait longer (about 24.8 days); a longer timeout never fires locally. */
const MAX_TIMER_MS = 2_147_483_647;

/** AWS's length limits of SendTaskFailure's `error` and `cause`. */
const MAX_ERROR_LENGTH = 256;
const MAX_CAUSE_LENGTH = 32_768;

/**
 * A failure of a callback task as the state machine sees it: `name` is the ASL error (what
 * Retry/Catch match) and `message` the cause.
 */
export class CallbackTaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/**
 * Ends the wait of a task whose execution is over (StopExecution, stop(), or the run ended
 * otherwise): neither retried nor caught, so no further state starts (the run's result is
 * settled already), and the library's own task timer is cleared.
 */
export class TaskAbandonedError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor() {
    super('The execution is over');
    this.name = 'States.Runtime';
  }
}

/** The timeouts of one callback task, in milliseconds (undefined: none). */
export interface CallbackTimeouts {
  timeoutMs?: number;
  heartbeatMs?: number;
}

interface PendingTask {
  executionArn: string;
  heartbeatMs?: number;
  resolve: (output: JsonValue) => void;
  reject: (error: Error) => void;
  timeoutTimer?: NodeJS.Timeout;
  heartbeatTimer?: NodeJS.Timeout;
}

/** The tokens of one stand-in. */
export interface TaskTokens {
  /** A new token for one attempt of a callback task, and the promise of its answer. */
  issue(executionArn: string, timeouts: CallbackTimeouts): { token: string; answer: Promise<JsonValue> };
  /** Forgets a token whose task failed otherwise (its Lambda failed): it is then unknown. */
  discard(token: string): void;
  /** Forgets the tokens of an execution that is over; their waits end with {@link TaskAbandonedError}. */
  abandonExecution(executionArn: string): void;
  /** Ends every wait (stop()): the tokens are gone with this instance. */
  abandonAll(): void;
  sendTaskSuccess(token: unknown, output: unknown): void;
  sendTaskFailure(token: unknown, error?: unknown, cause?: unknown): void;
  sendTaskHeartbeat(token: unknown): void;
}

export function createTaskTokens(): TaskTokens {
  const pending = new Map<string, PendingTask>();
  /** Tokens whose task timed out: answering them is `TaskTimedOut`, as in AWS. */
  const timedOut = new Set<string>();

  const settle = (token: string): PendingTask | undefined => {
    const task = pending.get(token);
    if (!task) return undefined;
    pending.delete(token);
    clearTimeout(task.timeoutTimer);
    clearTimeout(task.heartbeatTimer);
    return task;
  };

  const timeOut = (token: string, error: string, cause: string): void => {
    const task = settle(token);
    if (!task) return;
    timedOut.add(token);
    task.reject(new CallbackTaskError(error, cause));
  };

  const armHeartbeat = (token: string, task: PendingTask): void => {
    clearTimeout(task.heartbeatTimer);
    if (task.heartbeatMs === undefined || task.heartbeatMs > MAX_TIMER_MS) return;
    task.heartbeatTimer = setTimeout(
      () => timeOut(token, 'States.HeartbeatTimeout', 'The task heartbeat timed out'),
      task.heartbeatMs,
    );
  };

  /** The pending task of a token, or AWS's error for it. */
  const taskOf = (token: unknown): [string, PendingTask] => {
    if (typeof token !== 'string' || token.length < 1 || token.length > 2048) {
      throw new StepFunctionsError(
        'ValidationException',
        "1 validation error detected: Value at 'taskToken' failed to satisfy constraint: Member must have length between 1 and 2048",
      );
    }
    if (!TOKEN_FORMAT.test(token)) {
      throw new StepFunctionsError('InvalidToken', 'Invalid token');
    }
    if (timedOut.has(token)) {
      throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out');
    }
    const task = pending.get(token);
    if (!task) {
      throw new StepFunctionsError('TaskDoesNotExist', 'Task does not exist anymore');
    }
    return [token, task];
  };

  const optionalString = (field: string, value: unknown, max: number): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.length > max) {
      throw new StepFunctionsError(
        'ValidationException',
        `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
    }
    return value;
  };

  const abandon = (token: string): void => settle(token)?.reject(new TaskAbandonedError());

  return {
    issue: (executionArn, timeouts) => {
      const token = randomBytes(64).toString('base64url');
      let resolve: (output: JsonValue) => void = () => undefined;
      let reject: (error: Error) => void = () => undefined;
      const answer = new Promise<JsonValue>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const task: PendingTask = { executionArn, resolve, reject };
      if (timeouts.heartbeatMs !== undefined) task.heartbeatMs = timeouts.heartbeatMs;
      pending.set(token, task);
      if (timeouts.timeoutMs !== undefined && timeouts.timeoutMs <= MAX_TIMER_MS) {
        task.timeoutTimer = setTimeout(
          () => timeOut(token, 'States.Timeout', 'The task timed out'),
          timeouts.timeoutMs,
        );
      }
      armHeartbeat(token, task);
      return { token, answer };
    },
    discard: (token) => {
      settle(token);
    },
    abandonExecution: (executionArn) => {
      for (const [token, task] of [...pending]) {
        if (task.executionArn === executionArn) abandon(token);
      }
    },
    abandonAll: () => {
      for (const token of [...pending.keys()]) abandon(token);
    },
    sendTaskSuccess: (token, output) => {
      if (typeof output !== 'string' || Buffer.byteLength(output) > MAX_PAYLOAD_BYTES) {
        throw new StepFunctionsError(
          'ValidationException',
          `1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`,
        );
      }
      const [known] = taskOf(token);
      let parsed: JsonValue;
      try {
        parsed = JSON.parse(output) as JsonValue;
      } catch {
        throw new StepFunctionsError('InvalidOutput', `Invalid Output: '${output}'`);
      }
      settle(known)?.resolve(parsed);
    },
    sendTaskFailure: (token, error, cause) => {
      const errorName = optionalString('error', error, MAX_ERROR_LENGTH);
      const causeText = optionalString('cause', cause, MAX_CAUSE_LENGTH);
      const [known] = taskOf(token);
      // AWS: the task fails with the given error (empty when none was given).
      settle(known)?.reject(new CallbackTaskError(errorName ?? '', causeText ?? ''));
    },
    sendTaskHeartbeat: (token) => {
      const [known, task] = taskOf(token);
      armHeartbeat(known, task);
    },
  };
}
