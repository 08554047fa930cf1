/**
 * Local mode for the benchmark: the same runtime `npm start` runs (gateway, handlers,
 * DynamoDB Local, the Step Functions stand-in), with no simulated waits and no sweeper, and
 * a few helpers to drive it over HTTP with real Cognito tokens.
 */
import { type LocalRuntime, startLocal } from '../local/runtime.ts';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface BenchApi {
  runtime: LocalRuntime;
  baseUrl: string;
  call(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<Answer>;
  /** The ID token of the seeded user of a group. */
  login(group: 'Developers' | 'Administrators' | 'ReadOnly'): Promise<string>;
  createProject(token: string, name: string): Promise<string>;
  /** Creates an environment; answers its id and its provision operation's id. */
  createEnvironment(
    token: string,
    projectId: string,
    body: Record<string, unknown>,
  ): Promise<{ id: string; operationId: string }>;
  /** Waits until the execution of a provision (or update, start) operation has ended; its status. */
  waitForProvision(operationId: string, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchApi(): Promise<BenchApi> {
  const runtime = await startLocal({ port: 0, quiet: true, timeScale: 0, sweepIntervalMs: 0 });
  const baseUrl = runtime.baseUrl;
  const call: BenchApi['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const expectStatus = (answer: Answer, status: number, what: string): Answer => {
    if (answer.status !== status)
      throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer;
  };
  const provisionArn = runtime.services.stepFunctions.stateMachineArns['provision-environment'] ?? '';
  return {
    runtime,
    baseUrl,
    call,
    async login(group) {
      const user = runtime.seedUsers.find((u) => u.group === group);
      if (!user) throw new Error(`no seeded ${group} user`);
      const answer = expectStatus(
        await call('POST', '/auth/login', { body: { email: user.email, password: user.password } }),
        200,
        'login',
      );
      return String(answer.body.id_token);
    },
    async createProject(token, name) {
      return String(
        expectStatus(await call('POST', '/projects', { token, body: { name } }), 201, 'create project').body
          .id,
      );
    },
    async createEnvironment(token, projectId, body) {
      const answer = expectStatus(
        await call('POST', `/projects/${projectId}/environments`, { token, body }),
        202,
        'create environment',
      );
      const operation = answer.body.operation as { id: string };
      return { id: String(answer.body.id), operationId: operation.id };
    },
    async waitForProvision(operationId, timeoutMs = 120_000) {
      const arn = `${provisionArn.replace(':stateMachine:', ':execution:')}:${operationId}`;
      return (await runtime.services.stepFunctions.waitForExecution(arn, timeoutMs)).status;
    },
    stop: () => runtime.stop(),
  };
}

/** Milliseconds `act` takes. */
export async function timed(act: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await act();
  return performance.now() - started;
}
