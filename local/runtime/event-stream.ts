/**
 * The table's stream, read locally the way Lambda's event source mapping reads it in AWS
 * (lib/event-publisher.ts): DynamoDB Local's own stream (the Streams API on the same
 * endpoint: DescribeTable → DescribeStream → GetShardIterator → GetRecords), records kept
 * only if they match the mapping's filter (`EVENT_STREAM_FILTER`), handed in stream order, in
 * batches, as a `DynamoDBStreamEvent`, to the same handler
 * (`functions/events/publish-events.ts`). A batch that fails (the handler throws, or reports
 * `batchItemFailures`) is delivered again from its first failed record, up to
 * `retryAttempts` times, then written to `failures.jsonl` and skipped: the mapping's retries
 * and on-failure destination.
 *
 * Where it got to, per shard, is saved under `dir` after each handled batch, so a restart
 * (however the last run ended, SIGKILL included) resumes after the last handled record;
 * without a checkpoint it starts at the oldest record (TRIM_HORIZON) and the handler's
 * deduplication makes a replay harmless.
 *
 * Hand-written: no npm package polls DynamoDB Local's stream into a Lambda handler.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { EVENT_STREAM_FILTER } from '../../functions/data/table-design.ts';
import { LOCAL_CREDENTIALS, localDynamoDbClient } from '../dynamodb.ts';
import { invokeInScope, LOCAL_ACCOUNT_ID, lambdaContext } from '../lambda-context.ts';
import { DEFAULT_EVENTS_DIR, lazyHandler } from './lazy-handler.ts';

/** The stream's target (see lib/event-publisher.ts). */
const PUBLISHER = 'publish-events';
/** Its Lambda timeout in AWS. */
const PUBLISHER_TIMEOUT_MS = 60_000;

/** A handler of stream batches (the publisher's signature). */
export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface LocalEventStreamOptions {
  /** DynamoDB Local's endpoint. */
  endpoint: string;
  tableName: string;
  region?: string;
  /** Where the checkpoint and `failures.jsonl` go; without it, every start replays the stream. */
  dir?: string;
  /** Where `publish-events.ts` is (default `functions/events`); ignored with `handler`. */
  eventsDir?: string;
  /** The handler to call instead of loading `publish-events.ts` (tests). */
  handler?: StreamHandler;
  /** Records per batch (the mapping's BatchSize). */
  batchSize?: number;
  /** Deliveries of a failing batch after the first (the mapping's RetryAttempts). */
  retryAttempts?: number;
  /** Milliseconds between two reads of a stream that had nothing new. */
  idleMs?: number;
  quiet?: boolean;
}

export interface LocalEventStream {
  /**
   * Resolves once every record written before the call has been handled (or given up on): a
   * deterministic wait for tests, instead of sleeping.
   */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface Checkpoint {
  streamArn: string | null;
  /** Per shard: the last handled sequence number, and whether the shard is closed and read. */
  shards: Record<string, { after?: string; done?: boolean }>;
}

/** Matches an event source mapping filter pattern: literal lists and `{prefix}` rules, nested objects. */
export function matchesFilter(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((rule: unknown) => {
      if (rule !== null && typeof rule === 'object' && 'prefix' in rule) {
        return typeof value === 'string' && value.startsWith(String((rule as { prefix: unknown }).prefix));
      }
      return rule === value;
    });
  }
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([key, inner]) =>
      matchesFilter(inner, (value as Record<string, unknown>)[key]),
    );
  }
  return pattern === value;
}

/** A record as Lambda hands it to the function (dates in epoch seconds). */
function lambdaRecord(record: StreamRecord, streamArn: string, region: string): DynamoDBRecord {
  const data = record.dynamodb;
  const created = data?.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      Keys: data?.Keys,
      NewImage: data?.NewImage,
      SequenceNumber: data?.SequenceNumber,
      SizeBytes: data?.SizeBytes,
      StreamViewType: data?.StreamViewType,
    },
  } as DynamoDBRecord;
}

/** Parents before children, then by first sequence number: the order records were written in. */
function readingOrder(shards: Shard[]): Shard[] {
  const start = (s: Shard) => BigInt(s.SequenceNumberRange?.StartingSequenceNumber ?? '0');
  return [...shards].sort((a, b) => (start(a) < start(b) ? -1 : start(a) > start(b) ? 1 : 0));
}

export async function startLocalEventStream(options: LocalEventStreamOptions): Promise<LocalEventStream> {
  const region = options.region ?? 'us-east-1';
  const batchSize = options.batchSize ?? 100;
  const retryAttempts = options.retryAttempts ?? 5;
  const idleMs = options.idleMs ?? 100;
  const dynamodb: DynamoDBClient = localDynamoDbClient(options.endpoint, region);
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
  const load = lazyHandler(resolve(options.eventsDir ?? DEFAULT_EVENTS_DIR, `${PUBLISHER}.ts`));
  const handler: StreamHandler =
    options.handler ??
    (async (event) => {
      const fn = await load();
      const context = lambdaContext({
        functionName: PUBLISHER,
        region,
        accountId: LOCAL_ACCOUNT_ID,
        timeoutMs: PUBLISHER_TIMEOUT_MS,
      });
      return (await invokeInScope(context, undefined, () => fn(event, context))) as DynamoDBBatchResponse;
    });

  const checkpointFile = options.dir ? join(options.dir, 'checkpoint.json') : undefined;
  if (options.dir) await mkdir(options.dir, { recursive: true });
  let checkpoint: Checkpoint = { streamArn: null, shards: {} };
  if (checkpointFile) {
    try {
      checkpoint = JSON.parse(await readFile(checkpointFile, 'utf8')) as Checkpoint;
    } catch {
      // No checkpoint yet (or an unreadable one): start at the oldest record.
    }
  }
  const save = async (): Promise<void> => {
    if (!checkpointFile) return;
    // Written whole, then renamed: a kill mid-write leaves the previous checkpoint.
    await writeFile(`${checkpointFile}.tmp`, JSON.stringify(checkpoint));
    await rename(`${checkpointFile}.tmp`, checkpointFile);
  };
  const log = (message: string): void => {
    if (!options.quiet) console.log(`[events] ${message}`);
  };

  /** Open iterators, per shard, for the next read. */
  const iterators = new Map<string, string>();

  async function iteratorFor(streamArn: string, shardId: string): Promise<string | undefined> {
    const known = iterators.get(shardId);
    if (known) return known;
    const after = checkpoint.shards[shardId]?.after;
    const result = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
        ...(after ? { SequenceNumber: after } : {}),
      }),
    );
    return result.ShardIterator;
  }

  /** Delivers `records` (in order) until all are handled or given up on. */
  async function deliver(streamArn: string, shardId: string, records: StreamRecord[]): Promise<void> {
    let pending = records;
    let attempt = 0;
    while (pending.length > 0) {
      const batch = pending.slice(0, batchSize);
      const matching = batch
        .map((r) => lambdaRecord(r, streamArn, region))
        .filter((r) => matchesFilter(EVENT_STREAM_FILTER, r));
      let failedAt: string | undefined;
      if (matching.length > 0) {
        try {
          const response = await handler({ Records: matching });
          failedAt = response?.batchItemFailures?.[0]?.itemIdentifier;
        } catch (error) {
          log(`${PUBLISHER} failed: ${error instanceof Error ? error.message : String(error)}`);
          failedAt = matching[0]?.dynamodb?.SequenceNumber ?? '';
        }
      }
      const failedIndex =
        failedAt === undefined ? -1 : batch.findIndex((r) => r.dynamodb?.SequenceNumber === failedAt);
      const handled = failedAt === undefined ? batch : batch.slice(0, Math.max(0, failedIndex));
      const last = handled.at(-1)?.dynamodb?.SequenceNumber;
      if (last) {
        checkpoint.shards[shardId] = { ...checkpoint.shards[shardId], after: last };
        await save();
      }
      if (failedAt === undefined) {
        pending = pending.slice(batch.length);
        attempt = 0;
        continue;
      }
      pending = pending.slice(handled.length);
      attempt += 1;
      if (attempt > retryAttempts) {
        // The on-failure destination: kept for a person to look at, then skipped.
        const given = pending[0];
        if (options.dir && given) {
          await appendFile(join(options.dir, 'failures.jsonl'), `${JSON.stringify(given)}\n`);
        }
        log(
          `gave up on stream record ${given?.dynamodb?.SequenceNumber ?? '?'} after ${retryAttempts} retries`,
        );
        const skipped = given?.dynamodb?.SequenceNumber;
        if (skipped) {
          checkpoint.shards[shardId] = { ...checkpoint.shards[shardId], after: skipped };
          await save();
        }
        pending = pending.slice(1);
        attempt = 0;
        continue;
      }
      await sleep(Math.min(1_000, 50 * 2 ** attempt));
    }
  }

  /** The table's stream and its shards, described again at most every second or when a shard ends. */
  let described: { at: number; streamArn: string; shards: Shard[] } | undefined;
  async function describe(): Promise<{ streamArn: string; shards: Shard[] } | undefined> {
    if (described && Date.now() - described.at < 1_000) return described;
    const table = await dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
    const streamArn = table.Table?.LatestStreamArn;
    if (!streamArn) return undefined;
    const shards: Shard[] = [];
    let startShard: string | undefined;
    do {
      const page = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: startShard }),
      );
      shards.push(...(page.StreamDescription?.Shards ?? []));
      startShard = page.StreamDescription?.LastEvaluatedShardId;
    } while (startShard);
    described = { at: Date.now(), streamArn, shards: readingOrder(shards) };
    return described;
  }

  /** Reads every shard once, as far as it goes; the number of records read. */
  async function cycle(): Promise<number> {
    const stream = await describe();
    if (!stream) return 0;
    const { streamArn, shards } = stream;
    if (checkpoint.streamArn !== streamArn) {
      // A new table (or the first run): its stream starts from scratch.
      checkpoint = { streamArn, shards: {} };
      iterators.clear();
    }
    let read = 0;
    for (const shard of shards) {
      const shardId = shard.ShardId;
      if (!shardId || checkpoint.shards[shardId]?.done) continue;
      for (;;) {
        let iterator = await iteratorFor(streamArn, shardId);
        if (!iterator) break;
        let result: GetRecordsCommandOutput;
        try {
          result = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        } catch (error) {
          if (error instanceof Error && error.name === 'ExpiredIteratorException') {
            iterators.delete(shardId);
            continue;
          }
          throw error;
        }
        const records = result.Records ?? [];
        if (records.length > 0) {
          read += records.length;
          await deliver(streamArn, shardId, records);
        }
        iterator = result.NextShardIterator;
        if (!iterator) {
          // A closed shard, read to its end: its children carry on.
          iterators.delete(shardId);
          checkpoint.shards[shardId] = { ...checkpoint.shards[shardId], done: true };
          await save();
          // Its children may not have been described yet.
          described = undefined;
          break;
        }
        iterators.set(shardId, iterator);
        if (records.length === 0) break;
      }
    }
    return read;
  }

  let stopped = false;
  /** Cycles completed; a drain waits for an empty cycle that started after it was asked for. */
  let cyclesStarted = 0;
  const waiters: { after: number; resolve: () => void }[] = [];
  const loop = (async () => {
    while (!stopped) {
      const number = ++cyclesStarted;
      let read = 0;
      try {
        read = await cycle();
      } catch (error) {
        if (stopped) break;
        log(`reading the table's stream failed: ${error instanceof Error ? error.message : String(error)}`);
        read = -1;
      }
      if (read === 0) {
        for (const waiter of waiters.splice(0)) {
          if (waiter.after < number) waiter.resolve();
          else waiters.push(waiter);
        }
      }
      if (read <= 0 && !stopped) await sleep(idleMs);
    }
  })();

  return {
    drain(timeoutMs = 30_000) {
      // Shards that appeared since the last description count too.
      described = undefined;
      return new Promise<void>((resolveDrain, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`The table's stream was not drained in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          after: cyclesStarted,
          resolve: () => {
            clearTimeout(timer);
            resolveDrain();
          },
        });
      });
    },
    async stop() {
      stopped = true;
      await loop;
      streams.destroy();
      dynamodb.destroy();
    },
  };
}
