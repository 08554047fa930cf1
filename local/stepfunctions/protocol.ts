/**
 * The HTTP endpoint, speaking the AWS JSON 1.0 protocol as `@aws-sdk/client-sfn` (and the
 * AWS CLI) do: the operation in `X-Amz-Target`, JSON bodies with epoch-second dates, and
 * errors as `{ __type, message }` (what the SDK maps to an exception class).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BodyTooLargeError, closeServer, LOOPBACK, listen, readBody } from '../net.ts';
import { StepFunctionsError } from './api.ts';
import type { LoadedStateMachine } from './definitions.ts';
import type { ExecutionEngine } from './engine.ts';
import { historyEvent } from './history-events.ts';
import type { TaskTokens } from './task-tokens.ts';

/** What {@link startProtocolServer} serves. */
export interface ProtocolServerOptions {
  /** 0 or omitted = ephemeral. */
  port?: number;
  /** The state machines served, by ARN. */
  machines: ReadonlyMap<string, LoadedStateMachine>;
  engine: ExecutionEngine;
  taskTokens: TaskTokens;
}

/** The endpoint, listening. */
export interface ProtocolServer {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Starts the endpoint; resolves once it listens. */
export async function startProtocolServer(options: ProtocolServerOptions): Promise<ProtocolServer> {
  const { machines, engine, taskTokens } = options;

  const epoch = (date: Date | undefined): number | undefined =>
    date === undefined ? undefined : date.getTime() / 1000;

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    StartExecution: (body) => {
      const started = engine.startExecution({
        stateMachineArn: String(body.stateMachineArn ?? ''),
        ...(typeof body.name === 'string' ? { name: body.name } : {}),
        ...(typeof body.input === 'string' ? { input: body.input } : {}),
      });
      return { executionArn: started.executionArn, startDate: epoch(started.startDate) };
    },
    DescribeExecution: (body) => {
      const d = engine.describeExecution(String(body.executionArn ?? ''));
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
      const stopped = engine.stopExecution(
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
      const all = engine
        .listExecutions(stateMachineArn)
        .filter((d) => !statusFilter || d.status === statusFilter);
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
      const events = engine
        .executionEvents(String(body.executionArn ?? ''))
        .map((event, index) => historyEvent(event, index + 1));
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
    // The callback pattern; each answers an empty object, as AWS does.
    SendTaskSuccess: (body) => {
      taskTokens.sendTaskSuccess(body.taskToken, body.output);
      return {};
    },
    SendTaskFailure: (body) => {
      taskTokens.sendTaskFailure(body.taskToken, body.error, body.cause);
      return {};
    },
    SendTaskHeartbeat: (body) => {
      taskTokens.sendTaskHeartbeat(body.taskToken);
      return {};
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

  const server = createServer((req, res) => {
    void serve(req, res);
  });
  const port = await listen(server, options.port ?? 0);
  const endpoint = `http://${LOOPBACK}:${port}`;
  return { endpoint, port, close: () => closeServer(server) };
}
