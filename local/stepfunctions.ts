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
import { LOCAL_ACCOUNT_ID } from './lambda-context.ts';
import { BodyTooLargeError, closeServer, LOOPBACK, listen, readBody } from './net.ts';
import {
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
  StepFunctionsError,
} from './stepfunctions/api.ts';
import { loadStateMachines } from './stepfunctions/definitions.ts';
import { createExecutionEngine } from './stepfunctions/engine.ts';
import { createExecutionStore, describe } from './stepfunctions/execution-store.ts';
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

  const engine = createExecutionEngine({
    machines,
    store,
    statusChanges,
    isClosed: () => closed,
    log,
  });
  const { startExecution, stopExecution, listExecutions } = engine;

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
  engine.resumeInterruptedAfter(options.resumeAfter);

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    stateMachineArns,
    startExecution: engine.startExecution,
    describeExecution: engine.describeExecution,
    waitForExecution: engine.waitForExecution,
    stopExecution: engine.stopExecution,
    listExecutions: engine.listExecutions,
    executionEvents: engine.executionEvents,
    stop: () => {
      stopping ??= (async () => {
        // Not StopExecution: the executions stay RUNNING, in memory and on disk, for the
        // next instance to re-run. Halting the runs keeps any further state from starting
        // (a Lambda invocation in flight finishes) and clears pending Wait timers, which
        // would otherwise keep the process alive.
        closed = true;
        engine.haltRuns();
        await closeServer(server);
        // Status changes already emitted are delivered (their handler may still be writing).
        await statusChanges.drain();
      })();
      return stopping;
    },
  };
}
