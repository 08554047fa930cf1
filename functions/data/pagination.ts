/**
 * Cursor pagination over one Query. The cursor is the query's LastEvaluatedKey,
 * base64url-encoded; on the way back in it is checked to be a key of the same index
 * and partition, so a forged cursor gets a 400 instead of reading elsewhere or
 * reaching DynamoDB as an invalid start key.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/model.ts';
import { documentClient, tableName } from './client.ts';
import { type IndexName, TABLE_DESIGN } from './table-design.ts';

export interface QuerySpec {
  index?: IndexName;
  partition: string;
  /** Only items whose sort key starts with this. */
  sortPrefix?: string;
  /**
   * Only items whose sort key is at or after this (inclusive lower bound; with
   * `sortPrefix`, it must start with the prefix and the prefix still bounds the range).
   */
  sortFrom?: string;
  newestFirst?: boolean;
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
  /**
   * Items each Query reads at least (at most 1000), for sparse filters: more matches
   * than the page needs are cut off and the cursor resumes after the last one returned.
   * By default each Query reads only as many items as the page still needs.
   */
  readAhead?: number;
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

function invalidCursor(): InvalidCursorError {
  return new InvalidCursorError();
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
  if (spec.sortFrom && !((key[names.sk] ?? '') >= spec.sortFrom)) throw invalidCursor();
  return key;
}

/** The first string after every string that starts with `prefix` ('LOG#' → 'LOG$'). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** The key condition on the sort key, its placeholder values, or nothing. */
function sortCondition(spec: QuerySpec): { expression: string; values: Record<string, string> } | null {
  const { sortPrefix, sortFrom } = spec;
  if (sortFrom !== undefined) {
    if (!sortPrefix) return { expression: '#sk >= :from', values: { ':from': sortFrom } };
    if (!sortFrom.startsWith(sortPrefix)) throw new Error(`sortFrom ${sortFrom} is outside ${sortPrefix}`);
    // BETWEEN is inclusive: the upper bound is the (never stored) key right after the prefix's range.
    return {
      expression: '#sk BETWEEN :from AND :to',
      values: { ':from': sortFrom, ':to': prefixEnd(sortPrefix) },
    };
  }
  if (sortPrefix) return { expression: 'begins_with(#sk, :prefix)', values: { ':prefix': sortPrefix } };
  return null;
}

/** The key of an item as a LastEvaluatedKey would give it (for a cursor after that item). */
function keyOf(item: Record<string, unknown>, attributes: string[]): Key {
  return Object.fromEntries(attributes.map((name) => [name, String(item[name])]));
}

export async function queryPage<T>(
  spec: QuerySpec,
  page: PageRequest,
  map: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const names = keyNames(spec.index);
  const sort = sortCondition(spec);
  const input: QueryCommandInput = {
    TableName: tableName(),
    IndexName: spec.index,
    KeyConditionExpression: sort ? `#pk = :pk AND ${sort.expression}` : '#pk = :pk',
    ExpressionAttributeNames: {
      '#pk': names.pk,
      ...(sort ? { '#sk': names.sk } : {}),
      ...spec.filter?.names,
    },
    ExpressionAttributeValues: {
      ':pk': spec.partition,
      ...sort?.values,
      ...spec.filter?.values,
    },
    FilterExpression: spec.filter?.expression,
    ScanIndexForward: !spec.newestFirst,
  };
  const items: T[] = [];
  let startKey: Key | undefined = page.cursor ? decodeCursor(page.cursor, spec) : undefined;
  const readAhead = Math.min(spec.readAhead ?? 0, 1000);
  for (let i = 0; i < MAX_QUERIES_PER_PAGE && items.length < page.limit; i++) {
    const needed = page.limit - items.length;
    const result = await documentClient().send(
      new QueryCommand({ ...input, Limit: Math.max(needed, readAhead), ExclusiveStartKey: startKey }),
    );
    const found = result.Items ?? [];
    const kept = readAhead > 0 ? found.slice(0, needed) : found;
    for (const item of kept) items.push(map(item));
    startKey = result.LastEvaluatedKey as Key | undefined;
    const last = kept.at(-1);
    if (kept.length < found.length && last) {
      // More matches than the page holds: the next page starts right after the last one returned.
      startKey = keyOf(last, names.all);
      break;
    }
    if (!startKey) break;
  }
  return { items, next_cursor: startKey ? encodeCursor(startKey) : null };
}
