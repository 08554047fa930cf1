/**
 * Log events on DynamoDB. Each event is one item in its environment's partition
 * (`ENV#id` / `LOG#<timestamp>#<ulid>`), so an environment's logs are one Query, oldest
 * first, and `since` is a range on the sort key. Items carry `ttl` (epoch seconds):
 * DynamoDB deletes them some time after 30 days.
 */
import { BatchWriteCommand, type BatchWriteCommandInput, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { TransientStoreError } from '../domain/errors.ts';
import type { LogFilter, LogRecord, Page, PageRequest } from '../domain/model.ts';
import type { LogStore } from '../domain/ports.ts';
import type { IdentifiedLog } from '../domain/run-events.ts';
import { documentClient, tableName } from './client.ts';
import { type TransactItems, transactWrite } from './conditions.ts';
import { logKeys } from './keys.ts';
import { type QuerySpec, queryPage } from './pagination.ts';
import { TABLE_DESIGN } from './table-design.ts';

/** How long DynamoDB keeps a log event. */
export const LOG_RETENTION_DAYS = 30;
/** DynamoDB's limit of items in one transaction. */
const TRANSACTION_LIMIT = 100;
/** BatchWriteItem's limit. */
const BATCH_SIZE = 25;
/** Attempts to write one batch's unprocessed items before giving up. */
const MAX_ATTEMPTS = 5;
/** Items a filtered list reads per Query, so a sparse filter still fills a page in few calls. */
const FILTERED_READ_AHEAD = 200;

type Item = Record<string, unknown>;
type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

export interface LogStoreOptions {
  /** The current time in epoch milliseconds (tests pin it). */
  now?: () => number;
  /** First retry delay of unprocessed items in milliseconds; doubled on each attempt. */
  retryDelayMs?: number;
}

/** An ISO timestamp in the one format sort keys use (`toISOString`, milliseconds). */
function sortableTimestamp(timestamp: string): string {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw new Error(`Not an ISO timestamp: ${timestamp}`);
  return new Date(ms).toISOString();
}

/**
 * One monotonic suffix generator per process, for every writer of log items (the log store,
 * and the stores that write log lines in a transaction), so lines of one millisecond keep
 * the order in which they were written.
 */
const suffix = monotonicFactory();

/**
 * The items of log events, in time order, each with a unique key and its TTL. `append`
 * writes them; `transactWithLogs` puts them in the transaction of the change they
 * describe, so a workflow step writes its records and its log lines in one call.
 */
export function logItems(events: LogRecord[], now: number = Date.now()): Item[] {
  const ttl = Math.floor(now / 1000) + LOG_RETENTION_DAYS * 86_400;
  // Stable sort: events of one millisecond keep their order through the monotonic suffix.
  const ordered = events
    .map((event) => ({ event, at: sortableTimestamp(event.timestamp) }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return ordered.map(({ event, at }) => ({
    ...logKeys.item(event.environment_id, at, suffix().toLowerCase()),
    entity: 'log',
    ...event,
    [TABLE_DESIGN.timeToLiveAttribute]: ttl,
  }));
}

function logFromItem(item: Item): LogRecord {
  return {
    environment_id: String(item.environment_id),
    operation_id: typeof item.operation_id === 'string' ? item.operation_id : null,
    deployment_id: typeof item.deployment_id === 'string' ? item.deployment_id : null,
    stack: typeof item.stack === 'string' ? item.stack : null,
    level: item.level as LogRecord['level'],
    message: String(item.message),
    timestamp: String(item.timestamp),
  };
}

/** The FilterExpression of the non-key filters, or nothing. */
function filterOf(filter: LogFilter): QuerySpec['filter'] {
  const fields = (['stack', 'level', 'operation_id', 'deployment_id'] as const).filter(
    (f) => filter[f] !== undefined,
  );
  if (fields.length === 0) return undefined;
  return {
    expression: fields.map((f) => `#${f} = :${f}`).join(' AND '),
    names: Object.fromEntries(fields.map((f) => [`#${f}`, f])),
    values: Object.fromEntries(fields.map((f) => [`:${f}`, filter[f]])),
  };
}

/**
 * Writes log items (from `logItems`) in batches, retrying what DynamoDB leaves unprocessed
 * (throttling) with backoff; a batch still unprocessed after that is a `TransientStoreError`.
 */
export async function putLogItems(items: Item[], retryDelayMs = 50): Promise<void> {
  for (const chunk of chunks(items, BATCH_SIZE)) {
    let pending: WriteRequests = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; ; attempt++) {
      const result = await documentClient().send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }),
      );
      pending = result.UnprocessedItems?.[tableName()] ?? [];
      if (pending.length === 0) break;
      if (attempt >= MAX_ATTEMPTS) throw new TransientStoreError();
      const delay = retryDelayMs * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
    }
  }
}

/**
 * Sends a change and the log lines that report it as one transaction: a log item has no
 * condition, so it cannot fail on its own. Lines that do not fit (a transaction holds 100
 * items; no stack has nearly that many resources) are appended after it, best effort like
 * every log line. The workflow's stores send every step's write through here.
 */
export async function transactWithLogs(items: TransactItems, logs: LogRecord[]): Promise<void> {
  const puts = logItems(logs);
  const room = Math.max(0, TRANSACTION_LIMIT - items.length);
  await transactWrite([
    ...items,
    ...puts.slice(0, room).map((Item) => ({ Put: { TableName: tableName(), Item } })),
  ]);
  if (puts.length > room) await appendQuietly(puts.slice(room));
}

/** Appends log items, never failing the step for a lost log line. */
export async function appendQuietly(items: Record<string, unknown>[]): Promise<void> {
  try {
    await putLogItems(items);
  } catch {
    // Best effort by design: a lost log line must not fail or repeat a step.
  }
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export class DynamoLogStore implements LogStore {
  private readonly now: () => number;
  private readonly retryDelayMs: number;

  constructor(options: LogStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.retryDelayMs = options.retryDelayMs ?? 50;
  }

  async append(events: LogRecord[]): Promise<void> {
    if (events.length === 0) return;
    await putLogItems(logItems(events, this.now()), this.retryDelayMs);
  }

  list(environmentId: string, filter: LogFilter, page: PageRequest): Promise<Page<LogRecord>> {
    const spec: QuerySpec = {
      partition: logKeys.partition(environmentId),
      sortPrefix: logKeys.prefix,
      ...(filter.since !== undefined ? { sortFrom: logKeys.from(sortableTimestamp(filter.since)) } : {}),
      newestFirst: false,
    };
    const condition = filterOf(filter);
    if (condition) {
      spec.filter = condition;
      spec.readAhead = FILTERED_READ_AHEAD;
    }
    return queryPage(spec, page, logFromItem);
  }

  async linesAfter(
    environmentId: string,
    run: { operation_id: string } | { deployment_id: string },
    after: { id: string } | { since: string },
    limit: number,
  ): Promise<IdentifiedLog[]> {
    const [field, value] =
      'operation_id' in run ? ['operation_id', run.operation_id] : ['deployment_id', run.deployment_id];
    // Strictly after a line's key; at or after a timestamp. `~` sorts after every key's characters.
    const from =
      'id' in after ? `${logKeys.prefix}${after.id}` : logKeys.from(sortableTimestamp(after.since));
    const lines: IdentifiedLog[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          FilterExpression: '#run = :run',
          ExpressionAttributeNames: { '#run': field },
          ExpressionAttributeValues: {
            ':pk': logKeys.partition(environmentId),
            ':from': from,
            ':to': `${logKeys.prefix}~`,
            ':run': value,
          },
          Limit: FILTERED_READ_AHEAD,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        const id = String(item.SK).slice(logKeys.prefix.length);
        if ('id' in after && id === after.id) continue;
        lines.push({ id, log: logFromItem(item) });
        if (lines.length >= limit) return lines;
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return lines;
  }
}
