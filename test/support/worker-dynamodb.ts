/**
 * One DynamoDB Local per test worker, started by the e2e project's global setup and shared by
 * the files that worker runs, one after the other: each file's local mode makes a table of its
 * own on it (deleted when done) instead of starting a Java process of its own, which cost every
 * file about 2.5 s of CPU. One per worker, not one for all: DynamoDB Local's streams lose records
 * (TrimmedDataAccessException) when two tables of one server are written and read at once. The
 * state machine files keep a server each: shared, they ran slower (docs/decisions.md §47).
 */
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { type RunningDynamoDb, startDynamoDb } from '../../local/dynamodb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One per worker, the worker's at `VITEST_POOL_ID - 1`. */
    workerDynamoDbs: RunningDynamoDb[];
  }
}

/** In a global setup: starts a server per worker; returns what stops them. */
export async function startWorkerDynamoDbs(project: TestProject): Promise<() => Promise<void>> {
  const workers = Math.max(1, Number(project.globalConfig.maxWorkers) || 1);
  const servers = await Promise.all(
    Array.from({ length: workers }, () => startDynamoDb({ tableName: false })),
  );
  project.provide(
    'workerDynamoDbs',
    servers.map((server) => ({ endpoint: server.endpoint, pid: server.pid })),
  );
  return async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
}

/** In a test file: the server of the worker running it (VITEST_POOL_ID: 1 up to maxWorkers). */
export function workerDynamoDb(): RunningDynamoDb {
  const servers = inject('workerDynamoDbs');
  const worker = Number(process.env.VITEST_POOL_ID ?? '1');
  const server = servers[(Number.isInteger(worker) && worker > 0 ? worker - 1 : 0) % servers.length];
  if (!server) throw new Error("No DynamoDB Local was started for this project's workers (global setup)");
  return server;
}
