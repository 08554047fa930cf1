/**
 * A small HTTP client for the end-to-end tests: JSON in and out, an optional Bearer
 * token, and polling helpers. Everything goes through the local gateway. Every
 * successful answer is also checked against its route's response schema (the one the
 * OpenAPI document publishes), so the contract is tested on every call.
 */

import { ErrorResponse } from '../../functions/api/contract/common.ts';
import type { RouteDefinition } from '../../functions/api/route-types.ts';
import { routeList } from '../../functions/api/routes.ts';

/** The route a request hits, by method and path template. */
function routeFor(method: string, path: string): RouteDefinition | undefined {
  const bare = path.split('?')[0] ?? path;
  return routeList.find((route) => {
    if (route.method !== method) return false;
    const pattern = new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return pattern.test(bare);
  });
}

/** Throws when a body does not match the schema its route documents. */
export function assertContract(method: string, path: string, status: number, body: unknown): void {
  const route = routeFor(method, path);
  if (!route) return;
  const alternative = route.alternatives?.find((a) => a.status === status);
  const schema =
    status === route.success.status
      ? route.success.schema
      : alternative
        ? alternative.schema
        : status >= 400
          ? ErrorResponse
          : undefined;
  if (!schema || route.success.contentType) return;
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new Error(
      `${method} ${path} answered ${status} outside its documented schema: ${JSON.stringify(result.error.issues.slice(0, 3))}`,
    );
  }
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export class Client {
  readonly baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
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
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    if (text && response.headers.get('content-type')?.includes('json')) parsed = JSON.parse(text);
    assertContract(method, path, response.status, parsed);
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

  /** Polls an environment until it reaches `status` (or fails the test after `timeoutMs`). */
  async waitForStatus(envId: string, status: string, token: string, timeoutMs = 60_000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    const seen: string[] = [];
    for (;;) {
      const reply = await this.call('GET', `/environments/${envId}`, { token });
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
