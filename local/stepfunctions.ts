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
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecutionTimeoutError } from 'aws-local-stepfunctions';
import { LOCAL_ACCOUNT_ID } from './lambda-context.ts';
import { BodyTooLargeError, closeServer, LOOPBACK, listen, readBody } from './net.ts';
import {
  type ExecutionDescription,
  type ExecutionStatus,
  type JsonValue,
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
  MAX_PAYLOAD_BYTES,
  StepFunctionsError,
  type TaskHandlers,
} from './stepfunctions/api.ts';
import { loadStateMachines } from './stepfunctions/definitions.ts';
import { createExecutionStore, describe, type ExecutionRecord } from './stepfunctions/execution-store.ts';
import { historyEvent } from './stepfunctions/history-events.ts';
import { createLambdaTasks } from './stepfunctions/lambda-tasks.ts';
import { createStatusChangeEmitter } from './stepfunctions/status-change.ts';

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

/** AWS keeps at most 25,000 history events per execution. */
const MAX_EVENTS = 25_000;

/** AWS's naming rule for executions: 1–80 characters, none of whitespace, wildcards, brackets, control characters. */
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

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

  // ---- Executions ---------------------------------------------------------------------
  /** Set by stop(): nothing more is written, settled or started by this instance. */
  let closed = false;

  const store = createExecutionStore({ dir: options.dir, machines, isClosed: () => closed, log });
  const statusChanges = createStatusChangeEmitter({
    region,
    accountId,
    onStatusChange: options.onStatusChange,
    timeoutMs: taskTimeoutMs,
    isClosed: () => closed,
  });

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
      taskHandlers[stateName] = (input) => (halted ? new Promise<never>(() => undefined) : handler(input));
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
      },
    });
    record.abort = () => {
      halted = true;
      run.abort();
    };
    record.events = [];

    const finish = (
      status: ExecutionStatus,
      fields: { output?: string; error?: string; cause?: string },
    ): void => {
      // StopExecution may have settled the record already; after stop() the run was only
      // halted (an aborted run resolves to null), and the execution is still RUNNING.
      if (record.status !== 'RUNNING' || closed) {
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
        finish('SUCCEEDED', { output: JSON.stringify(output ?? null) });
      },
      (error: unknown) => {
        // A timed-out run is aborted by the library, and a failed one is over: same as above.
        halted = true;
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
      if (closed) return;
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
        if (closed) {
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

  // ---- The AWS JSON 1.0 endpoint ---------------------------------------------------------
  const epoch = (date: Date | undefined): number | undefined =>
    date === undefined ? undefined : date.getTime() / 1000;

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    StartExecution: (body) => {
      const started = startExecution({
        stateMachineArn: String(body.stateMachineArn ?? ''),
        ...(typeof body.name === 'string' ? { name: body.name } : {}),
        ...(typeof body.input === 'string' ? { input: body.input } : {}),
      });
      return { executionArn: started.executionArn, startDate: epoch(started.startDate) };
    },
    DescribeExecution: (body) => {
      const record = store.get(String(body.executionArn ?? ''));
      const d = describe(record);
      return {
        executionArn: d.executionArn,
        stateMachineArn: d.stateMachineArn,
        name: d.name,
        status: d.status,
        startDate: epoch(d.startDate),
        stopDate: epoch(d.stopDate),
        input: d.input,
        inputDetails: { included: true },
        output: d.output,
        outputDetails: d.output === undefined ? undefined : { included: true },
        error: d.error,
        cause: d.cause,
        redriveCount: 0,
        redriveStatus: 'NOT_REDRIVABLE',
      };
    },
    StopExecution: (body) => {
      const stopped = stopExecution(
        String(body.executionArn ?? ''),
        typeof body.error === 'string' ? body.error : undefined,
        typeof body.cause === 'string' ? body.cause : undefined,
      );
      return { stopDate: epoch(stopped.stopDate) };
    },
    ListExecutions: (body) => {
      const stateMachineArn = String(body.stateMachineArn ?? '');
      if (!machines.has(stateMachineArn)) {
        throw new StepFunctionsError(
          'StateMachineDoesNotExist',
          `State Machine Does Not Exist: '${stateMachineArn}'`,
        );
      }
      const statusFilter = typeof body.statusFilter === 'string' ? body.statusFilter : undefined;
      const all = listExecutions(stateMachineArn).filter((d) => !statusFilter || d.status === statusFilter);
      const maxResults = Math.min(Math.max(Number(body.maxResults) || 100, 1), 1000);
      const offset =
        typeof body.nextToken === 'string' ? Number(Buffer.from(body.nextToken, 'base64').toString()) : 0;
      if (!Number.isInteger(offset) || offset < 0) {
        throw new StepFunctionsError('InvalidToken', 'Invalid Token');
      }
      const page = all.slice(offset, offset + maxResults);
      const next =
        offset + maxResults < all.length
          ? Buffer.from(String(offset + maxResults)).toString('base64')
          : undefined;
      return {
        executions: page.map((d) => ({
          executionArn: d.executionArn,
          stateMachineArn: d.stateMachineArn,
          name: d.name,
          status: d.status,
          startDate: epoch(d.startDate),
          stopDate: epoch(d.stopDate),
        })),
        nextToken: next,
      };
    },
    GetExecutionHistory: (body) => {
      const record = store.get(String(body.executionArn ?? ''));
      const events = record.events.map((event, index) => historyEvent(event, index + 1));
      return { events: body.reverseOrder === true ? events.reverse() : events };
    },
    DescribeStateMachine: (body) => {
      const machine = machines.get(String(body.stateMachineArn ?? ''));
      if (!machine) {
        throw new StepFunctionsError(
          'StateMachineDoesNotExist',
          `State Machine Does Not Exist: '${body.stateMachineArn}'`,
        );
      }
      return {
        stateMachineArn: machine.arn,
        name: machine.name,
        status: 'ACTIVE',
        definition: machine.definitionText,
        roleArn: machine.roleArn,
        type: 'STANDARD',
        creationDate: epoch(machine.creationDate),
      };
    },
    ListStateMachines: () => ({
      stateMachines: [...machines.values()].map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: 'STANDARD',
        creationDate: epoch(machine.creationDate),
      })),
    }),
  };

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    extraHeaders: Record<string, string> = {},
  ): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...extraHeaders,
    });
    res.end(text);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const target = req.headers['x-amz-target'];
      const [service, operationName] = typeof target === 'string' ? target.split('.') : [];
      const operation = operationName ? operations[operationName] : undefined;
      if (req.method !== 'POST' || service !== 'AWSStepFunctions' || !operation) {
        throw new StepFunctionsError('UnknownOperationException', `Unknown operation: ${String(target)}`);
      }
      const raw = await readBody(req, 1024 * 1024);
      let body: Record<string, unknown>;
      try {
        const parsed: unknown = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
        body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
      } catch {
        throw new StepFunctionsError('SerializationException', 'Request body is not valid JSON');
      }
      send(res, 200, operation(body));
    } catch (error) {
      if (error instanceof StepFunctionsError) {
        send(
          res,
          error.statusCode,
          { __type: error.code, message: error.message },
          { 'x-amzn-errortype': error.code },
        );
      } else if (error instanceof BodyTooLargeError) {
        send(res, 413, { __type: 'ValidationException', message: error.message });
      } else {
        console.error('[stepfunctions] internal error', error);
        send(res, 500, { __type: 'InternalFailure', message: 'Internal failure' });
      }
    }
  };

  await store.load();
  const server = createServer((req, res) => {
    void serve(req, res);
  });
  const port = await listen(server, options.port ?? 0);
  const endpoint = `http://${LOOPBACK}:${port}`;

  const stateMachineArns: Record<string, string> = {};
  for (const machine of machines.values()) {
    stateMachineArns[machine.name] = machine.arn;
  }

  // After the endpoint listens, and without holding up startup.
  if ([...store.records()].some((record) => record.status === 'RUNNING')) {
    void Promise.resolve(options.resumeAfter).then(
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
  }

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    stateMachineArns,
    startExecution,
    describeExecution: (executionArn) => describe(store.get(executionArn)),
    waitForExecution,
    stopExecution,
    listExecutions,
    executionEvents: (executionArn) => [...store.get(executionArn).events],
    stop: () => {
      stopping ??= (async () => {
        // Not StopExecution: the executions stay RUNNING, in memory and on disk, for the
        // next instance to re-run. Halting the runs keeps any further state from starting
        // (a Lambda invocation in flight finishes) and clears pending Wait timers, which
        // would otherwise keep the process alive.
        closed = true;
        for (const record of store.records()) {
          if (record.status === 'RUNNING') {
            record.abort();
          }
        }
        await closeServer(server);
        // Status changes already emitted are delivered (their handler may still be writing).
        await statusChanges.drain();
      })();
      return stopping;
    },
  };
}
