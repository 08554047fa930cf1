/**
 * Cursor pagination over one Query. The cursor is the query's LastEvaluatedKey,
 * base64url-encoded; on the way back in it is checked to be a key of the same index
 * and partition, so a forged cursor gets a 400 instead of reading elsewhere or
 * reaching DynamoDB as an invalid start key.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { BadRequestError } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/model.ts';
import { documentClient, tableName } from './client.ts';
import { type IndexName, TABLE_DESIGN } from './table-design.ts';

export interface QuerySpec {
  index?: IndexName;
  partition: string;
  /** Only items whose sort key starts with this. */
  sortPrefix?: string;
  newestFirst?: boolean;
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
}

type Key = Record<string, string>;

/** Upper bound of Query calls one page may take when a filter discards items. */
const MAX_QUERIES_PER_PAGE = 10;

function keyNames(index: IndexName | undefined): { pk: string; sk: string; all: string[] } {
  const base = [TABLE_DESIGN.partitionKey, TABLE_DESIGN.sortKey];
  if (!index) return { pk: TABLE_DESIGN.partitionKey, sk: TABLE_DESIGN.sortKey, all: base };
  const gsi = TABLE_DESIGN.globalSecondaryIndexes.find((g) => g.indexName === index);
  if (!gsi) throw new Error(`Unknown index ${index}`);
  return { pk: gsi.partitionKey, sk: gsi.sortKey, all: [...base, gsi.partitionKey, gsi.sortKey] };
}

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function invalidCursor(): BadRequestError {
  return new BadRequestError(
    'Invalid cursor',
    [{ field: 'query.cursor', message: 'not a cursor returned by this list' }],
    'INVALID_CURSOR',
  );
}

export function decodeCursor(cursor: string, spec: QuerySpec): Key {
  const names = keyNames(spec.index);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidCursor();
  const entries = Object.entries(parsed);
  const valid =
    entries.length === names.all.length &&
    entries.every(
      ([k, v]) => names.all.includes(k) && typeof v === 'string' && v.length > 0 && v.length < 512,
    );
  const key = parsed as Key;
  if (!valid || key[names.pk] !== spec.partition) throw invalidCursor();
  if (spec.sortPrefix && !key[names.sk]?.startsWith(spec.sortPrefix)) throw invalidCursor();
  return key;
}

export async function queryPage<T>(
  spec: QuerySpec,
  page: PageRequest,
  map: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const names = keyNames(spec.index);
  const input: QueryCommandInput = {
    TableName: tableName(),
    IndexName: spec.index,
    KeyConditionExpression: spec.sortPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
    ExpressionAttributeNames: {
      '#pk': names.pk,
      ...(spec.sortPrefix ? { '#sk': names.sk } : {}),
      ...spec.filter?.names,
    },
    ExpressionAttributeValues: {
      ':pk': spec.partition,
      ...(spec.sortPrefix ? { ':prefix': spec.sortPrefix } : {}),
      ...spec.filter?.values,
    },
    FilterExpression: spec.filter?.expression,
    ScanIndexForward: !spec.newestFirst,
  };
  const items: T[] = [];
  let startKey: Key | undefined = page.cursor ? decodeCursor(page.cursor, spec) : undefined;
  for (let i = 0; i < MAX_QUERIES_PER_PAGE && items.length < page.limit; i++) {
    const result = await documentClient().send(
      new QueryCommand({ ...input, Limit: page.limit - items.length, ExclusiveStartKey: startKey }),
    );
    for (const item of result.Items ?? []) items.push(map(item));
    startKey = result.LastEvaluatedKey as Key | undefined;
    if (!startKey) break;
  }
  return { items, next_cursor: startKey ? encodeCursor(startKey) : null };
}
