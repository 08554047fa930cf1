/**
 * Shared setup of the end-to-end tests: {@link useLocalMode} starts local mode for a test
 * file, logs seeded users in and creates what the file's tests share; {@link Client} is a
 * small HTTP client, JSON in and out, an optional Bearer token, and polling helpers.
 * Everything goes through the local gateway.
 *
 * Every answer the gateway gives while a test file runs (a Client's, a README curl's, a
 * fuzzer's) is checked against the OpenAPI document local mode serves (`contract.ts`): its
 * status must be documented for the route, its body valid against that response's schema.
 * A Client's call throws at once on a violation; any other fails the test it happened in
 * (afterEach), or the file (afterAll) when it happened in a hook.
 */

import { afterAll, afterEach, beforeAll } from 'vitest';
import type { GatewayExchange } from '../../local/gateway.ts';
import { type LocalOptions, type LocalRuntime, type SeedUser, startLocal } from '../../local/runtime.ts';
import { type ContractChecker, servedContract } from './contract.ts';

/**
 * Collects the answers of one local mode that break the contract. Answers given before the
 * document is loaded wait for it.
 */
class ContractWatch {
  #checker: ContractChecker | undefined;
  #waiting: GatewayExchange[] = [];
  #violations: string[] = [];
  #stage = '/v1';

  readonly observe = (exchange: GatewayExchange): void => {
    if (this.#checker) this.#check(exchange);
    else this.#waiting.push(exchange);
  };

  async load(baseUrl: string): Promise<void> {
    const checker = await servedContract(baseUrl);
    this.#stage = new URL(baseUrl).pathname;
    this.#checker = checker;
    for (const exchange of this.#waiting.splice(0)) this.#check(exchange);
  }

  #check(exchange: GatewayExchange): void {
    const checker = this.#checker;
    if (!checker) return;
    const contentType = Object.entries(exchange.headers).find(
      ([name]) => name.toLowerCase() === 'content-type',
    )?.[1];
    const path = exchange.path.startsWith(this.#stage)
      ? exchange.path.slice(this.#stage.length) || '/'
      : exchange.path;
    const violation = checker.violation({
      method: exchange.method,
      path,
      status: exchange.status,
      contentType: Array.isArray(contentType) ? contentType[0] : contentType,
      text: exchange.body.toString('utf8'),
      headers: exchange.headers,
    });
    if (violation) this.#violations.push(violation);
  }

  /** Throws with every violation seen since the last call. */
  assertClean(): void {
    const violations = this.#violations.splice(0);
    if (violations.length > 0) {
      throw new Error(`Answers outside the OpenAPI document:\n${violations.join('\n')}`);
    }
  }
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export class Client {
  readonly #baseUrl: () => string;
  readonly #token: () => string | undefined;

  readonly #contract: ContractWatch | undefined;

  /**
   * @param baseUrl the API's base URL, or how to read it once known (a test file's clients
   *   exist before local mode has started).
   * @param token the ID token every call carries unless it names its own (`token: undefined`
   *   for none); by default none.
   * @param contract what checks the answers of this local mode (each call throws on a violation).
   */
  constructor(
    baseUrl: string | (() => string),
    token: () => string | undefined = () => undefined,
    contract?: ContractWatch,
  ) {
    this.#baseUrl = typeof baseUrl === 'string' ? () => baseUrl : baseUrl;
    this.#token = token;
    this.#contract = contract;
  }

  get baseUrl(): string {
    return this.#baseUrl();
  }

  /** The ID token this client's calls carry by default. */
  get token(): string | undefined {
    return this.#token();
  }

  async call(
    method: string,
    path: string,
    options: {
      token?: string | undefined;
      body?: unknown;
      raw?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const token = 'token' in options ? options.token : this.#token();
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    if (text && response.headers.get('content-type')?.includes('json')) parsed = JSON.parse(text);
    this.#contract?.assertClean();
    return { status: response.status, headers: response.headers, body: parsed };
  }

  async login(
    email: string,
    password: string,
  ): Promise<{ id_token: string; access_token: string; refresh_token: string }> {
    const reply = await this.call('POST', '/auth/login', { body: { email, password } });
    if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body as { id_token: string; access_token: string; refresh_token: string };
  }

  /** The ID token of the seeded user of `group` (local mode seeds one per group). */
  async loginAs(
    users: readonly { group: string; email: string; password: string }[],
    group: string,
  ): Promise<string> {
    const user = users.find((u) => u.group === group);
    if (!user) throw new Error(`no seeded ${group} user`);
    return (await this.login(user.email, user.password)).id_token;
  }

  /**
   * Polls an environment until it reaches `status` (or fails the test after `timeoutMs`),
   * as the client's user unless `token` names another.
   */
  async waitForStatus(
    envId: string,
    status: string,
    options: { token?: string; timeoutMs?: number } = {},
  ): Promise<Reply> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    const as = options.token === undefined ? {} : { token: options.token };
    const seen: string[] = [];
    for (;;) {
      const reply = await this.call('GET', `/environments/${envId}`, as);
      const current = String(reply.body.status);
      if (seen.at(-1) !== current) seen.push(current);
      if (current === status) return reply;
      if (Date.now() > deadline) throw new Error(`environment stayed ${seen.join(' → ')}, never ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A token for a user that does not exist in the pool's key set: right shape, wrong signature. */
export function forgeToken(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'RS256', kid: 'forged', typ: 'JWT' })}.${encode(claims)}.${Buffer.from('sig').toString('base64url')}`;
}

/** A seeded user's group: local mode seeds one user per group. */
export type SeedGroup = SeedUser['group'];

/** What a test file needs from local mode before its first test. */
export interface LocalModeOptions
  extends Pick<
    LocalOptions,
    'waitOverrideMs' | 'sweepIntervalMs' | 'approvalTimeoutSeconds' | 'webhookTimeoutSeconds'
  > {
  /** Seeded users to log in before the tests, so that `as(group)` can call as them. */
  users?: readonly SeedGroup[];
  /** A project the Developers user creates (`projectId`); it is logged in for it. */
  project?: string;
  /**
   * An environment the Developers user creates in that project, waited for until it is
   * running (`environmentId`).
   */
  environment?: Record<string, unknown>;
}

/**
 * Local mode as a test file sees it. The clients can be taken at once (they find the
 * gateway and their token when they call); everything else is read inside tests and hooks.
 */
export interface LocalMode {
  readonly runtime: LocalRuntime;
  /** Calls without a token, unless a call gives one. */
  readonly api: Client;
  /** Calls as the seeded user of `group` (logged in before the tests: see `users`). */
  as(group: SeedGroup): Client;
  /** Calls carrying the token `token()` gives at each call (a user the test file signs up itself). */
  withToken(token: () => string | undefined): Client;
  /** Throws with the answers outside the OpenAPI document seen since the last check. */
  assertContract(): void;
  /** The project of {@link LocalModeOptions.project}. */
  readonly projectId: string;
  /** The running environment of {@link LocalModeOptions.environment}. */
  readonly environmentId: string;
}

/**
 * Starts local mode for the calling test file (in `beforeAll`, stopping it in `afterAll`):
 * an ephemeral port, in-memory data, simulated durations at zero (each Wait lasting
 * `waitOverrideMs` if given), no request logs. Then logs in the seeded users and creates
 * the project and the environment the options ask for.
 */
export function useLocalMode(options: LocalModeOptions = {}): LocalMode {
  let runtime: LocalRuntime | undefined;
  const tokens = new Map<SeedGroup, string>();
  let projectId: string | undefined;
  let environmentId: string | undefined;
  // Reading at collection time (in a describe body) would read nothing: fail loudly.
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`${what} is set up in beforeAll: read it inside a test or a hook`);
    return value;
  };
  const baseUrl = () => ready(runtime, 'Local mode').baseUrl;
  const token = (group: SeedGroup) => ready(tokens.get(group), `The token of the ${group} user`);
  const contract = new ContractWatch();
  const api = new Client(baseUrl, undefined, contract);
  const clients = new Map<SeedGroup, Client>();
  const as = (group: SeedGroup): Client => {
    const client = clients.get(group) ?? new Client(baseUrl, () => token(group), contract);
    clients.set(group, client);
    return client;
  };

  beforeAll(async () => {
    runtime = await startLocal({
      port: 0,
      persist: false,
      timeScale: 0,
      quiet: true,
      onExchange: contract.observe,
      ...(options.waitOverrideMs === undefined ? {} : { waitOverrideMs: options.waitOverrideMs }),
      ...(options.sweepIntervalMs === undefined ? {} : { sweepIntervalMs: options.sweepIntervalMs }),
      ...(options.approvalTimeoutSeconds === undefined
        ? {}
        : { approvalTimeoutSeconds: options.approvalTimeoutSeconds }),
      ...(options.webhookTimeoutSeconds === undefined
        ? {}
        : { webhookTimeoutSeconds: options.webhookTimeoutSeconds }),
    });
    await contract.load(runtime.baseUrl);
    const groups = new Set<SeedGroup>(options.users);
    if (options.project !== undefined) groups.add('Developers');
    for (const group of groups) tokens.set(group, await api.loginAs(runtime.seedUsers, group));
    if (options.project === undefined) return;
    const developer = as('Developers');
    const project = await developer.call('POST', '/projects', { body: { name: options.project } });
    if (project.status !== 201) throw new Error(`project not created: ${project.status}`);
    projectId = String(project.body.id);
    if (options.environment === undefined) return;
    const created = await developer.call('POST', `/projects/${projectId}/environments`, {
      body: options.environment,
    });
    if (created.status !== 202) throw new Error(`environment not created: ${created.status}`);
    environmentId = String(created.body.id);
    await developer.waitForStatus(environmentId, 'running');
  }, 120_000);

  // An answer outside the document fails the test (or, in a hook, the file) that received it.
  afterEach(() => contract.assertClean());
  afterAll(async () => {
    await runtime?.stop();
    contract.assertClean();
  });

  return {
    get runtime() {
      return ready(runtime, 'Local mode');
    },
    api,
    as,
    withToken: (token) => new Client(baseUrl, token, contract),
    assertContract: () => contract.assertClean(),
    get projectId() {
      return ready(projectId, 'The project (option project)');
    },
    get environmentId() {
      return ready(environmentId, 'The environment (option environment)');
    },
  };
}
