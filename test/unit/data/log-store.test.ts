import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoLogStore, LOG_RETENTION_DAYS } from '../../../functions/data/log-store.ts';
import { encodeCursor } from '../../../functions/data/pagination.ts';
import type { LogRecord } from '../../../functions/domain/model.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = 'unit-table';
const ENV_ID = 'env_01jd8x3k5m7n9p1q3r5s7t9v1w';
const OP_ID = 'op_01jd8x3k5m7n9p1q3r5s7t9v1w';
const NOW = Date.parse('2026-11-22T10:00:00.000Z');

const store = new DynamoLogStore({ now: () => NOW, retryDelayMs: 1 });

function event(overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    environment_id: ENV_ID,
    operation_id: OP_ID,
    stack: 'network',
    level: 'INFO',
    message: 'Created AWS::EC2::VPC vpc-0a1b2c3d4e5f67890',
    timestamp: '2026-11-22T10:00:01.000Z',
    ...overrides,
  };
}

function logItem(timestamp: string, suffix: string, overrides: Partial<LogRecord> = {}) {
  return {
    PK: `ENV#${ENV_ID}`,
    SK: `LOG#${timestamp}#${suffix}`,
    entity: 'log',
    ttl: 1_800_000_000,
    ...event({ timestamp, ...overrides }),
  };
}

type Written = Record<string, unknown>;

function writtenItems(): Written[] {
  return ddb
    .commandCalls(BatchWriteCommand)
    .flatMap((call) => call.args[0].input.RequestItems?.[TABLE] ?? [])
    .map((request) => request.PutRequest?.Item as Written);
}

beforeEach(() => {
  ddb.reset();
});

describe('DynamoLogStore.append', () => {
  it('writes each event in its environment’s partition under a LOG# sort key, with a 30-day TTL', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    await store.append([
      event(),
      event({ stack: null, operation_id: null, level: 'ERROR', message: 'boom' }),
    ]);
    const items = writtenItems();
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item.PK).toBe(`ENV#${ENV_ID}`);
      expect(item.SK).toMatch(/^LOG#2026-11-22T10:00:01\.000Z#[0-9a-z]{26}$/);
      expect(item.entity).toBe('log');
      expect(item.ttl).toBe(NOW / 1000 + LOG_RETENTION_DAYS * 86_400);
      expect(item.environment_id).toBe(ENV_ID);
    }
    expect(items[0]).toMatchObject({ stack: 'network', level: 'INFO', operation_id: OP_ID });
    expect(items[1]).toMatchObject({ stack: null, level: 'ERROR', operation_id: null, message: 'boom' });
    expect(new Set(items.map((i) => i.SK)).size).toBe(2);
  });

  it('keeps events of one millisecond in the order given and sorts by timestamp otherwise', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    await store.append([
      event({ message: 'later', timestamp: '2026-11-22T10:00:02.000Z' }),
      ...Array.from({ length: 30 }, (_, i) => event({ message: `line ${i}` })),
    ]);
    const items = writtenItems();
    const sorted = [...items].sort((a, b) => String(a.SK).localeCompare(String(b.SK)));
    expect(sorted.map((i) => i.message)).toEqual([
      ...Array.from({ length: 30 }, (_, i) => `line ${i}`),
      'later',
    ]);
  });

  it('normalises the timestamp in the sort key so keys order by time', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    await store.append([event({ timestamp: '2026-11-22T10:00:05Z' })]);
    expect(writtenItems()[0]?.SK).toMatch(/^LOG#2026-11-22T10:00:05\.000Z#/);
    expect(writtenItems()[0]?.timestamp).toBe('2026-11-22T10:00:05Z');
  });

  it('sends batches of at most 25 items', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    await store.append(Array.from({ length: 60 }, (_, i) => event({ message: `line ${i}` })));
    const sizes = ddb
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems?.[TABLE]?.length);
    expect(sizes).toEqual([25, 25, 10]);
    expect(writtenItems()).toHaveLength(60);
  });

  it('does nothing for no events', async () => {
    await store.append([]);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('retries unprocessed items until they are written', async () => {
    ddb
      .on(BatchWriteCommand)
      .callsFakeOnce((input: { RequestItems: Record<string, unknown[]> }) => ({
        UnprocessedItems: { [TABLE]: input.RequestItems[TABLE]?.slice(1) },
      }))
      .resolves({});
    await store.append([event({ message: 'a' }), event({ message: 'b' }), event({ message: 'c' })]);
    const calls = ddb.commandCalls(BatchWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.RequestItems?.[TABLE]?.map((r) => r.PutRequest?.Item?.message)).toEqual([
      'b',
      'c',
    ]);
  });

  it('gives up with a retryable error when items stay unprocessed', async () => {
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({
      UnprocessedItems: input.RequestItems,
    }));
    await expect(store.append([event()])).rejects.toMatchObject({ name: 'TransientStoreError' });
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(5);
  });
});

describe('DynamoLogStore.list', () => {
  function lastQuery() {
    const calls = ddb.commandCalls(QueryCommand);
    const input = calls.at(-1)?.args[0].input;
    if (!input) throw new Error('no Query was sent');
    return input;
  }

  it('queries the environment’s LOG# keys oldest first, without a filter', async () => {
    const items = [logItem('2026-11-22T10:00:01.000Z', 'a'), logItem('2026-11-22T10:00:02.000Z', 'b')];
    ddb.on(QueryCommand).resolves({ Items: items });
    const page = await store.list(ENV_ID, {}, { limit: 20 });
    const input = lastQuery();
    expect(input.KeyConditionExpression).toBe('#pk = :pk AND begins_with(#sk, :prefix)');
    expect(input.ExpressionAttributeValues).toEqual({ ':pk': `ENV#${ENV_ID}`, ':prefix': 'LOG#' });
    expect(input.ScanIndexForward).toBe(true);
    expect(input.FilterExpression).toBeUndefined();
    expect(input.IndexName).toBeUndefined();
    expect(input.Limit).toBe(20);
    expect(page.items).toEqual([
      event({ timestamp: '2026-11-22T10:00:01.000Z', deployment_id: null }),
      event({ timestamp: '2026-11-22T10:00:02.000Z', deployment_id: null }),
    ]);
    expect(page.items[0]).not.toHaveProperty('ttl');
    expect(page.next_cursor).toBeNull();
  });

  it('uses the sort key for since, bounded to the LOG# range', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store.list(ENV_ID, { since: '2026-11-22T10:00:00Z' }, { limit: 20 });
    const input = lastQuery();
    expect(input.KeyConditionExpression).toBe('#pk = :pk AND #sk BETWEEN :from AND :to');
    expect(input.ExpressionAttributeValues).toEqual({
      ':pk': `ENV#${ENV_ID}`,
      ':from': 'LOG#2026-11-22T10:00:00.000Z',
      ':to': 'LOG$',
    });
    expect(input.FilterExpression).toBeUndefined();
  });

  it.each([
    [{ stack: 'network' }, '#stack = :stack', { ':stack': 'network' }],
    [{ level: 'ERROR' as const }, '#level = :level', { ':level': 'ERROR' }],
    [{ operation_id: OP_ID }, '#operation_id = :operation_id', { ':operation_id': OP_ID }],
  ])('filters %j with a FilterExpression', async (filter, expression, values) => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store.list(ENV_ID, filter, { limit: 20 });
    const input = lastQuery();
    expect(input.KeyConditionExpression).toBe('#pk = :pk AND begins_with(#sk, :prefix)');
    expect(input.FilterExpression).toBe(expression);
    expect(input.ExpressionAttributeValues).toMatchObject(values);
    const name = expression.split(' ')[0] ?? '';
    expect(input.ExpressionAttributeNames?.[name]).toBe(name.slice(1));
  });

  it('combines every filter', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store.list(
      ENV_ID,
      { stack: 'network', level: 'INFO', operation_id: OP_ID, since: '2026-11-22T10:00:00.000Z' },
      { limit: 5 },
    );
    const input = lastQuery();
    expect(input.KeyConditionExpression).toBe('#pk = :pk AND #sk BETWEEN :from AND :to');
    expect(input.FilterExpression).toBe(
      '#stack = :stack AND #level = :level AND #operation_id = :operation_id',
    );
  });

  it('reads ahead under a filter and resumes right after the last event returned', async () => {
    const items = Array.from({ length: 5 }, (_, i) => logItem(`2026-11-22T10:00:0${i}.000Z`, `s${i}`));
    ddb.on(QueryCommand).resolves({ Items: items, LastEvaluatedKey: { PK: `ENV#${ENV_ID}`, SK: 'LOG#zzz' } });
    const page = await store.list(ENV_ID, { level: 'INFO' }, { limit: 2 });
    expect(lastQuery().Limit).toBeGreaterThan(2);
    expect(page.items.map((i) => i.timestamp)).toEqual([
      '2026-11-22T10:00:00.000Z',
      '2026-11-22T10:00:01.000Z',
    ]);
    const cursor = JSON.parse(Buffer.from(page.next_cursor ?? '', 'base64url').toString('utf8'));
    expect(cursor).toEqual({ PK: `ENV#${ENV_ID}`, SK: 'LOG#2026-11-22T10:00:01.000Z#s1' });
    // The cursor is accepted back and becomes the start key.
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store.list(ENV_ID, { level: 'INFO' }, { limit: 2, cursor: page.next_cursor ?? '' });
    expect(lastQuery().ExclusiveStartKey).toEqual(cursor);
  });

  it('hands out the last evaluated key as the cursor and accepts it back', async () => {
    const last = { PK: `ENV#${ENV_ID}`, SK: 'LOG#2026-11-22T10:00:01.000Z#a' };
    ddb
      .on(QueryCommand)
      .resolves({ Items: [logItem('2026-11-22T10:00:01.000Z', 'a')], LastEvaluatedKey: last });
    const page = await store.list(ENV_ID, {}, { limit: 1 });
    expect(page.next_cursor).toBe(encodeCursor(last));
    await store.list(
      ENV_ID,
      { since: '2026-11-22T10:00:00.000Z' },
      { limit: 1, cursor: page.next_cursor ?? '' },
    );
    expect(lastQuery().ExclusiveStartKey).toEqual(last);
  });

  it.each([
    [
      'another environment’s partition',
      { PK: 'ENV#env_01jd8x3k5m7n9p1q3r5s7t9zzz', SK: 'LOG#2026-11-22T10:00:01.000Z#a' },
    ],
    ['a stack key of the same partition', { PK: `ENV#${ENV_ID}`, SK: 'STACK#network' }],
    ['an index key', { PK: `ENV#${ENV_ID}`, SK: 'LOG#x', GSI1PK: 'a', GSI1SK: 'b' }],
    ['a non-string key', { PK: `ENV#${ENV_ID}`, SK: 5 }],
  ])('rejects a forged cursor (%s) without querying', async (_, key) => {
    await expect(store.list(ENV_ID, {}, { limit: 20, cursor: encodeCursor(key) })).rejects.toMatchObject({
      name: 'InvalidCursorError',
      errorCode: 'INVALID_CURSOR',
    });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('rejects a cursor from before since', async () => {
    const cursor = encodeCursor({ PK: `ENV#${ENV_ID}`, SK: 'LOG#2026-11-22T09:00:00.000Z#a' });
    await expect(
      store.list(ENV_ID, { since: '2026-11-22T10:00:00.000Z' }, { limit: 20, cursor }),
    ).rejects.toMatchObject({ name: 'InvalidCursorError' });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('rejects a cursor that is not base64 JSON', async () => {
    await expect(store.list(ENV_ID, {}, { limit: 20, cursor: '%%%not-a-cursor' })).rejects.toMatchObject({
      name: 'InvalidCursorError',
    });
  });
});
