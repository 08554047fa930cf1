/**
 * The log store against DynamoDB Local: the key design really keeps logs apart from the
 * other items of the environment's partition, `since` is an inclusive range on the sort
 * key, and cursors (plain and read-ahead) page through everything exactly once.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogFilter, LogRecord } from '../../functions/domain/model.ts';
import type { LogStore } from '../../functions/domain/ports.ts';
import { type LocalDynamoDb, startDynamoDb } from '../../local/dynamodb.ts';

const TABLE = 'log-store-tests';
const ENV_ID = 'env_01jd8x3k5m7n9p1q3r5s7t9v1w';
const OTHER_ENV_ID = 'env_01jd8x3k5m7n9p1q3r5s7t9zzz';
const OP_1 = 'op_01jd8x3k5m7n9p1q3r5s7t9aaa';
const OP_2 = 'op_01jd8x3k5m7n9p1q3r5s7t9bbb';
const START = Date.parse('2026-11-22T10:00:00.000Z');

let dynamo: LocalDynamoDb;
let store: LogStore;

/** 60 events: one a second, network/security alternating, every 10th an ERROR, the second half OP_2. */
const events: LogRecord[] = Array.from({ length: 60 }, (_, i) => ({
  environment_id: ENV_ID,
  operation_id: i < 30 ? OP_1 : OP_2,
  stack: i % 2 === 0 ? 'network' : 'security',
  level: i % 10 === 9 ? 'ERROR' : 'INFO',
  message: `line ${i}`,
  timestamp: new Date(START + i * 1000).toISOString(),
}));

beforeAll(async () => {
  dynamo = await startDynamoDb({ tableName: TABLE });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: TABLE,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  // Imported after the environment is configured (clients read it on first use).
  const { DynamoLogStore } = await import('../../functions/data/log-store.ts');
  const { documentClient } = await import('../../functions/data/client.ts');
  store = new DynamoLogStore();
  // Neighbours in the same partition that a log query must never return.
  for (const SK of ['ENV', 'STACK#network', 'STACK#security']) {
    await documentClient().send(
      new PutCommand({ TableName: TABLE, Item: { PK: `ENV#${ENV_ID}`, SK, entity: 'neighbour' } }),
    );
  }
  // Appended shuffled and in two calls: the store orders by timestamp.
  await store.append([...events.slice(30)].reverse());
  await store.append(events.slice(0, 30));
  const elsewhere: LogRecord = {
    environment_id: OTHER_ENV_ID,
    operation_id: null,
    stack: null,
    level: 'WARN',
    message: 'elsewhere',
    timestamp: new Date(START).toISOString(),
  };
  await store.append([elsewhere]);
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

/** Follows the cursors to the end. */
async function all(filter: LogFilter, limit: number): Promise<{ messages: string[]; pages: number }> {
  const messages: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.list(ENV_ID, filter, { limit, cursor });
    messages.push(...page.items.map((e) => e.message));
    cursor = page.next_cursor ?? undefined;
    pages++;
  } while (cursor && pages < 100);
  return { messages, pages };
}

const lines = (indexes: number[]) => indexes.map((i) => `line ${i}`);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('DynamoLogStore on DynamoDB Local', () => {
  it('lists only the environment’s logs, oldest first, across pages', async () => {
    const { messages, pages } = await all({}, 7);
    expect(messages).toEqual(lines(range(0, 60)));
    expect(pages).toBeGreaterThanOrEqual(9);
    const first = await store.list(ENV_ID, {}, { limit: 1 });
    expect(first.items[0]).toEqual({ ...events[0], deployment_id: null });
  });

  it('treats since as inclusive and never reaches the stack items after the LOG# range', async () => {
    const since = new Date(START + 55_000).toISOString().replace('.000Z', 'Z');
    expect((await all({ since }, 2)).messages).toEqual(lines(range(55, 60)));
    expect((await all({ since: '2027-01-01T00:00:00Z' }, 20)).messages).toEqual([]);
  });

  it('filters by level, stack and operation, reading ahead past the non-matching events', async () => {
    const errors = await all({ level: 'ERROR' }, 2);
    expect(errors.messages).toEqual(lines([9, 19, 29, 39, 49, 59]));
    expect(errors.pages).toBeLessThanOrEqual(4);
    expect((await all({ stack: 'security', operation_id: OP_2 }, 4)).messages).toEqual(
      lines(range(30, 60).filter((i) => i % 2 === 1)),
    );
    expect(
      (await all({ stack: 'network', level: 'INFO', since: new Date(START + 50_000).toISOString() }, 3))
        .messages,
    ).toEqual(lines([50, 52, 54, 56, 58]));
  });

  it('stores a 30-day TTL on each event', async () => {
    const { documentClient } = await import('../../functions/data/client.ts');
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const result = await documentClient().send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': `ENV#${OTHER_ENV_ID}`, ':p': 'LOG#' },
      }),
    );
    const ttl = Number(result.Items?.[0]?.ttl);
    const expected = Date.now() / 1000 + 30 * 86_400;
    expect(Math.abs(ttl - expected)).toBeLessThan(120);
  });
});
