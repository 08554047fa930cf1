/**
 * Contract fuzzing: for every operation of the OpenAPI document local mode serves, requests
 * built from the document with fast-check — valid and mutated bodies, path and query
 * parameters and headers (wrong types, huge and unicode strings, missing and extra fields,
 * malformed JSON, odd path segments, missing or garbage tokens) — each of which must get an
 * answer that is not a 5xx, has a status the document lists for the operation, and a body
 * valid against that status's schema (the error shape for errors). The last two are checked
 * by support.ts's contract watch, on every answer.
 *
 * Bounded for `npm test`; `npm run fuzz` runs ten times as many requests (FUZZ_RUNS=10). The
 * seed is fixed (FUZZ_SEED overrides it) and printed with any failure, to replay it.
 * Everything the requests can change or destroy belongs to this file's own local mode.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../functions/api/http/openapi.ts';
import { routeList } from '../../functions/api/routes.ts';
import { type OpenApiDocument, servedContract } from './contract.ts';
import {
  anyJson,
  badJsonText,
  headerValue,
  hugeString,
  mutated,
  oddSegment,
  oddString,
  resolverOf,
  valid,
} from './fuzz-arbitraries.ts';
import { forgeToken, useLocalMode } from './support.ts';

type Json = Record<string, unknown>;

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
/** Requests per operation in `npm test`. */
const RUNS = Math.max(1, Math.round(40 * SCALE));

/**
 * A streaming route's answer (Server-Sent Events, §37) ends by itself once its run ended, but a
 * run still going would hold it open for minutes: its body is read for at most this long, then
 * the request is aborted (the status, headers and what arrived are still checked; leaving also
 * stops the handler's polling).
 */
const STREAM_READ_MS = 5_000;

const local = useLocalMode({
  users: ['Developers', 'Administrators', 'ReadOnly'],
  project: 'fuzz',
  environment: { name: 'fuzz-env' },
});

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: Json;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json': { schema: Json } } };
}

/** What the fuzzer owns: a valid value for each path parameter. */
let owned: Record<string, string[]>;
let document: OpenApiDocument;

beforeAll(async () => {
  document = (await servedContract(local.api.baseUrl)).document;
  const developer = local.as('Developers');
  const envId = local.environmentId;
  const stacks = await developer.call('GET', `/environments/${envId}/stacks`);
  const operations = await developer.call('GET', `/environments/${envId}/operations`);
  const templates = await developer.call('GET', '/templates');
  const deployment = await developer.call('POST', `/environments/${envId}/deployments`, {
    body: { version: 'v1.0.0' },
  });
  expect(deployment.status).toBe(202);
  const names = (reply: { body: Json }, key: string) =>
    (reply.body.items as Json[]).map((item) => String(item[key]));
  owned = {
    project_id: [local.projectId],
    env_id: [envId],
    stack: names(stacks, 'name'),
    op_id: names(operations, 'id'),
    deployment_id: [String(deployment.body.id)],
    name: names(templates, 'name'),
  };
}, 60_000);

/** One request as the fuzzer sends it. */
interface FuzzRequest {
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string | undefined;
}

type Caller = 'owner' | 'admin' | 'readonly' | 'none' | 'garbage' | 'forged';

function tokenOf(caller: Caller, garbage: string): string | undefined {
  const tokens = {
    owner: () => local.as('Developers'),
    admin: () => local.as('Administrators'),
    readonly: () => local.as('ReadOnly'),
  };
  switch (caller) {
    case 'none':
      return undefined;
    case 'garbage':
      return garbage;
    case 'forged':
      return `Bearer ${forgeToken({ sub: 'someone', token_use: 'id', 'cognito:groups': ['Administrators'] })}`;
    default:
      return `Bearer ${tokens[caller]().token}`;
  }
}

/** Requests for `method path`, from its operation in the served document. */
function requests(method: string, path: string, operation: Operation): fc.Arbitrary<FuzzRequest> {
  const resolve = resolverOf(document.components.schemas);
  const parameters = operation.parameters ?? [];
  const pathParams = fc.record(
    Object.fromEntries(
      parameters
        .filter((p) => p.in === 'path')
        .map((p) => [
          p.name,
          fc.oneof(
            { weight: 8, arbitrary: fc.constantFrom(...(owned[p.name] ?? ['x'])) },
            {
              weight: 1,
              arbitrary: (valid(p.schema, resolve) as fc.Arbitrary<string>).map(encodeURIComponent),
            },
            { weight: 2, arbitrary: oddSegment },
          ),
        ]),
    ),
  );
  const queryParams = fc.record(
    Object.fromEntries(
      parameters
        .filter((p) => p.in === 'query')
        .map((p) => [
          p.name,
          fc.oneof(
            { weight: 8, arbitrary: fc.constant(null) },
            { weight: 8, arbitrary: valid(p.schema, resolve).map(String) },
            { weight: 1, arbitrary: oddString() },
            { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? '') },
            { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 2_000 }).map((n) => '9'.repeat(n)) },
          ),
        ]),
    ),
    { requiredKeys: [] },
  );
  // fc.option's `freq`: one in `freq` is null.
  const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
  const extraQuery = rarely(fc.tuple(oddString(16), oddString(16)));
  const bodySchema = operation.requestBody?.content['application/json'].schema;
  const body: fc.Arbitrary<string | undefined> = bodySchema
    ? fc.oneof(
        { weight: 4, arbitrary: valid(bodySchema, resolve).map((v) => JSON.stringify(v)) },
        { weight: 4, arbitrary: mutated(bodySchema, resolve).map((v) => JSON.stringify(v) ?? 'null') },
        { weight: 1, arbitrary: badJsonText },
        { weight: 1, arbitrary: fc.constantFrom(undefined, '', '   ') },
      )
    : method === 'GET'
      ? fc.constant(undefined)
      : rarely(
          fc.oneof(
            anyJson.map((v) => JSON.stringify(v) ?? ''),
            badJsonText,
            hugeString,
          ),
        ).map((text) => text ?? undefined);
  const caller = fc.oneof(
    { weight: 8, arbitrary: fc.constant<Caller>('owner') },
    { weight: 1, arbitrary: fc.constantFrom<Caller>('admin', 'readonly', 'none', 'garbage', 'forged') },
  );
  const tail = fc.oneof(
    { weight: 12, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('/', '//', '/x') },
  );
  return fc
    .record({
      params: pathParams,
      query: queryParams,
      extraQuery,
      body,
      caller,
      garbage: headerValue,
      ifMatch: rarely(headerValue),
      extraHeader: fc.option(
        fc.tuple(
          fc.constantFrom('constructor', '__proto__', 'toString', 'x-fuzz', 'content-length-x'),
          headerValue,
        ),
        { freq: 5 },
      ),
      contentType: fc.option(
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
        ),
        { freq: 3 },
      ),
      tail,
    })
    .map((r) => {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(r.query))
        if (typeof value === 'string') search.append(name, value);
      if (r.extraQuery) search.append(...r.extraQuery);
      const headers: Record<string, string> = {};
      const token = tokenOf(r.caller, r.garbage);
      if (token !== undefined) headers.authorization = token;
      if (r.ifMatch !== null) headers['if-match'] = r.ifMatch;
      if (r.contentType !== null) headers['content-type'] = r.contentType;
      if (r.extraHeader !== null) headers[r.extraHeader[0]] = r.extraHeader[1];
      return {
        path: path.replace(/\{([^}]+)\}/g, (_, name: string) => String(r.params[name])) + r.tail,
        query: search.toString(),
        headers,
        body: r.body ?? undefined,
      };
    });
}

/** Reads first, then changes, then what stops or destroys (the owned resources last long). */
function stage(method: string, path: string): number {
  if (method === 'DELETE') return 3;
  if (/\/(stop|cancel)$/.test(path)) return 2;
  return method === 'GET' ? 0 : 1;
}

/** Statuses seen per operation, printed after a scaled run (`npm run fuzz`) to show what was reached. */
const seen = new Map<string, Map<number, number>>();
afterAll(() => {
  if (SCALE === 1) return;
  const lines = [...seen].map(
    ([operation, statuses]) =>
      `${operation}: ${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}×${count}`)
        .join(' ')}`,
  );
  console.log(`Statuses by operation:\n${lines.join('\n')}`);
});

/** The body's text; a stream cut off by {@link STREAM_READ_MS} is what arrived until then. */
async function readBody(response: Response, streaming: boolean): Promise<string> {
  if (!streaming) return response.text();
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of response.body ?? []) chunks.push(chunk);
  } catch (error) {
    if ((error as Error).name !== 'TimeoutError' && (error as Error).name !== 'AbortError') throw error;
  }
  return Buffer.concat(chunks).toString('utf8');
}

const ordered = [...routeList].sort((a, b) => stage(a.method, a.path) - stage(b.method, b.path));

describe(`the contract under fuzzing (${RUNS} requests per operation, seed ${SEED})`, () => {
  for (const route of ordered) {
    it(
      `${route.method} ${route.path}: no 5xx, a documented status, a body of its schema`,
      async () => {
        const operation = document.paths[openApiPath(route.path)]?.[route.method.toLowerCase()] as
          | Operation
          | undefined;
        expect(operation?.operationId).toBe(route.operationId);
        const arbitrary = requests(route.method, route.path, operation as Operation);
        try {
          await fc.assert(
            fc.asyncProperty(arbitrary, async (request) => {
              const url = `${local.api.baseUrl}${request.path}${request.query ? `?${request.query}` : ''}`;
              const response = await fetch(url, {
                method: route.method,
                headers: request.headers,
                ...(request.body === undefined ? {} : { body: request.body }),
                ...(route.streaming ? { signal: AbortSignal.timeout(STREAM_READ_MS) } : {}),
              });
              const text = await readBody(response, route.streaming === true);
              const statuses = seen.get(route.operationId) ?? new Map<number, number>();
              statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
              seen.set(route.operationId, statuses);
              expect(response.status, `${route.method} ${url}: ${text.slice(0, 300)}`).toBeLessThan(500);
              // The watch has seen this answer: documented status, schema-valid body.
              local.assertContract();
            }),
            { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
          );
        } catch (error) {
          throw new Error(
            `Replay with FUZZ_SEED=${SEED}${SCALE === 1 ? '' : ` FUZZ_RUNS=${SCALE}`}: ${String(error)}`,
          );
        }
      },
      60_000 * SCALE,
    );
  }
});
