/**
 * The `Idempotency-Key` piece of the HTTP stack (functions/api/http/idempotency.ts), through
 * a route handler built like every write route (`auditedRoute` on a route flagged
 * `idempotent`), on DynamoDB Local: what is under test is Powertools' conditional writes on
 * the single table, so the records live in a real table rather than in a mock.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditedRoute } from '../../functions/api/http/audited-route.ts';
import type { HttpResponse } from '../../functions/api/http/http.ts';
import { route } from '../../functions/api/route-types.ts';
import { ConflictError } from '../../functions/domain/errors.ts';
import * as z from '../../functions/platform/zod.ts';
import { type LocalDynamoDb, localDynamoDbClient, startDynamoDb } from '../../local/dynamodb.ts';
import { apiEvent, DEVELOPER, OTHER_DEVELOPER } from '../unit/helpers/events.ts';

const TABLE = 'idempotency-test';
const DAY_MS = 24 * 60 * 60 * 1000;
let dynamodb: LocalDynamoDb;

beforeAll(async () => {
  dynamodb = await startDynamoDb({ tableName: TABLE });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: TABLE,
    DYNAMODB_ENDPOINT: dynamodb.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});

afterAll(async () => {
  await dynamodb?.stop();
});

const createThing = route({
  operationId: 'createThing',
  method: 'POST',
  path: '/shelves/{shelf}/things',
  group: 'test',
  access: 'write',
  idempotent: true,
  summary: 'Create a thing',
  tag: 'test',
  request: {
    params: z.object({ shelf: z.string() }),
    query: z.object({ dry_run: z.optional(z.string()) }),
    body: z.object({ name: z.string(), color: z.optional(z.string()) }),
  },
  success: { status: 201, description: 'Created' },
  errors: [409],
});
const startThing = route({ ...createThing, operationId: 'startThing', path: '/shelves/{shelf}/start' });

/** What the implementation does on each call: count, and answer as `answer` says. */
let calls: { route: string; name: string }[] = [];
let answer: (n: number) => Promise<HttpResponse>;
beforeEach(() => {
  calls = [];
  answer = async (n) => ({
    statusCode: 201,
    body: { id: `thing-${n}`, note: undefined },
    headers: { etag: `"${n}"` },
  });
});

const handlerOf = (r: typeof createThing) =>
  auditedRoute(r, async (request) => {
    calls.push({ route: r.operationId, name: request.body.name });
    return answer(calls.length);
  });
const create = handlerOf(createThing);
const start = handlerOf(startThing);

const context = (remainingMs = 10_000) =>
  ({ awsRequestId: 'aws-req', getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;

interface Call {
  key?: string;
  body?: unknown;
  shelf?: string;
  query?: Record<string, string>;
  claims?: Record<string, string>;
  remainingMs?: number;
  handler?: typeof create;
}

async function call(input: Call = {}) {
  const r = input.handler === start ? startThing : createThing;
  const shelf = input.shelf ?? 'a';
  const response: APIGatewayProxyResult = await (input.handler ?? create)(
    apiEvent({
      method: 'POST',
      resource: r.path,
      pathParameters: { shelf },
      body: input.body ?? { name: 'lamp' },
      ...(input.query ? { query: input.query } : {}),
      claims: input.claims ?? DEVELOPER,
      headers: input.key === undefined ? {} : { 'Idempotency-Key': input.key },
    }),
    context(input.remainingMs),
  );
  return {
    status: response.statusCode,
    headers: response.headers ?? {},
    body: JSON.parse(response.body) as Record<string, unknown>,
  };
}

/** A unique key per test, so tests never see each other's records. */
let keys = 0;
const newKey = () => `key-${Date.now()}-${++keys}`;

describe('without an Idempotency-Key', () => {
  it('runs every request, as before', async () => {
    const first = await call();
    const second = await call();
    expect([first.body.id, second.body.id]).toEqual(['thing-1', 'thing-2']);
    expect(second.headers).not.toHaveProperty('idempotent-replayed');
    expect(calls).toHaveLength(2);
  });
});

describe('a replay with the same key', () => {
  it('answers the first status, body and headers again, marked replayed, and runs nothing', async () => {
    const key = newKey();
    const first = await call({ key });
    const replay = await call({ key });
    expect(first).toMatchObject({ status: 201, body: { id: 'thing-1' } });
    expect(first.headers).not.toHaveProperty('idempotent-replayed');
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual({ id: 'thing-1' });
    expect(replay.headers).toMatchObject({
      etag: '"1"',
      'idempotent-replayed': 'true',
      'content-type': 'application/json',
    });
    expect(calls).toHaveLength(1);
  });

  it('keeps the record in the caller’s partition of the table, expiring in 24 h (the table’s TTL attribute)', async () => {
    const key = newKey();
    const before = Math.floor(Date.now() / 1000);
    const caller = { ...DEVELOPER, sub: 'user-with-one-record' };
    await call({ key, claims: caller });
    const client = localDynamoDbClient(dynamodb.endpoint);
    const page = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: {
          ':pk': { S: `IDEMPOTENCY#${caller.sub}` },
          ':prefix': { S: 'createThing#' },
        },
      }),
    );
    const items = page.Items ?? [];
    expect(items).toHaveLength(1);
    expect(items[0]?.status?.S).toBe('COMPLETED');
    expect(Number(items[0]?.ttl?.N)).toBeGreaterThanOrEqual(before + 86_400);
    expect(Number(items[0]?.ttl?.N)).toBeLessThanOrEqual(before + 86_400 + 60);
    client.destroy();
  });

  it('with a different body, or a different query, answers 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = newKey();
    await call({ key, body: { name: 'lamp' } });
    const otherBody = await call({ key, body: { name: 'chair' } });
    const otherQuery = await call({ key, body: { name: 'lamp' }, query: { dry_run: 'true' } });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toMatchObject({ error_code: 'IDEMPOTENCY_KEY_REUSED', request_id: 'req-unit-1' });
    expect(otherQuery.status).toBe(422);
    expect(otherQuery.body.error_code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(calls).toHaveLength(1);
  });

  it('is the same request whatever the order of the body’s fields', async () => {
    const key = newKey();
    await call({ key, body: { name: 'lamp', color: 'red' } });
    const replay = await call({ key, body: { color: 'red', name: 'lamp' } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(calls).toHaveLength(1);
  });
});

describe('the scope of a key', () => {
  it('is the caller: another user with the same key runs their own request', async () => {
    const key = newKey();
    const mine = await call({ key });
    const theirs = await call({ key, claims: OTHER_DEVELOPER });
    expect([mine.body.id, theirs.body.id]).toEqual(['thing-1', 'thing-2']);
    expect(theirs.headers).not.toHaveProperty('idempotent-replayed');
  });

  it('is the route and its path parameters: the same key elsewhere runs again', async () => {
    const key = newKey();
    await call({ key, shelf: 'a' });
    const otherShelf = await call({ key, shelf: 'b' });
    const otherRoute = await call({ key, shelf: 'a', handler: start });
    expect([otherShelf.status, otherRoute.status]).toEqual([201, 201]);
    expect(calls.map((c) => c.route)).toEqual(['createThing', 'createThing', 'startThing']);
  });
});

describe('a duplicate while the first is still running', () => {
  it('answers 409 IDEMPOTENCY_KEY_IN_USE; once the first has finished, the key replays it', async () => {
    const key = newKey();
    let finish: () => void = () => {};
    answer = async (n) => {
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      return { statusCode: 201, body: { id: `thing-${n}` } };
    };
    const first = call({ key });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    const duplicate = await call({ key });
    finish();
    const done = await first;
    const replay = await call({ key });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error_code: 'IDEMPOTENCY_KEY_IN_USE' });
    expect(done.body).toEqual({ id: 'thing-1' });
    expect(replay.body).toEqual({ id: 'thing-1' });
    expect(calls).toHaveLength(1);
  });

  it('holds the key only until the invocation’s deadline: after it (a crashed invocation), the key runs again', async () => {
    const key = newKey();
    let finish: () => void = () => {};
    answer = async (n) => {
      if (n === 1) await new Promise<void>((resolve) => (finish = resolve));
      return { statusCode: 201, body: { id: `thing-${n}` } };
    };
    const stuck = call({ key, remainingMs: 50 });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await call({ key });
    finish();
    await stuck;
    expect(after).toMatchObject({ status: 201, body: { id: 'thing-2' } });
  });
});

describe('a failed request', () => {
  it('(an error) is not stored: the same key runs again and its success is replayed', async () => {
    const key = newKey();
    answer = async (n) => {
      if (n === 1) throw new ConflictError('Busy', 'OPERATION_IN_PROGRESS');
      return { statusCode: 201, body: { id: `thing-${n}` } };
    };
    const failed = await call({ key });
    const retried = await call({ key });
    const replay = await call({ key });
    expect(failed).toMatchObject({ status: 409, body: { error_code: 'OPERATION_IN_PROGRESS' } });
    expect(retried).toMatchObject({ status: 201, body: { id: 'thing-2' } });
    expect(replay.body).toEqual({ id: 'thing-2' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  it('(a non-2xx answer returned by the handler) is not stored either', async () => {
    const key = newKey();
    answer = async (n) => ({ statusCode: n === 1 ? 409 : 201, body: { id: `thing-${n}` } });
    const first = await call({ key });
    const second = await call({ key });
    expect([first.status, second.status]).toEqual([409, 201]);
    expect(second.headers).not.toHaveProperty('idempotent-replayed');
  });
});

describe('the header', () => {
  it.each([
    ['empty', ''],
    ['longer than 255 characters', 'k'.repeat(256)],
  ])('answers 400 INVALID_IDEMPOTENCY_KEY when %s, running nothing', async (_, key) => {
    const reply = await call({ key });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      error_code: 'INVALID_IDEMPOTENCY_KEY',
      errors: [{ field: 'header.idempotency-key', message: 'must be 1 to 255 characters' }],
    });
    expect(calls).toEqual([]);
  });

  it('takes 255 characters', async () => {
    const key = `${newKey()}-`.padEnd(255, 'k');
    const first = await call({ key });
    const replay = await call({ key });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
  });
});

describe('expiry', () => {
  it('replays for 24 h; after that the key runs a new request', async () => {
    const key = newKey();
    const start = Date.now();
    const now = vi.spyOn(Date, 'now');
    try {
      now.mockReturnValue(start);
      await call({ key });
      now.mockReturnValue(start + DAY_MS - 60_000);
      const withinDay = await call({ key });
      now.mockReturnValue(start + DAY_MS + 2_000);
      const nextDay = await call({ key });
      expect(withinDay.headers['idempotent-replayed']).toBe('true');
      expect(withinDay.body).toEqual({ id: 'thing-1' });
      expect(nextDay.body).toEqual({ id: 'thing-2' });
      expect(nextDay.headers).not.toHaveProperty('idempotent-replayed');
    } finally {
      now.mockRestore();
    }
  });
});
