/**
 * A pid file in the data directory, so two local instances (or `npm run reset`) never
 * work on the same DynamoDB Local database file and Cognito store at once.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm start` keeps its data: `<repo>/.local` (git-ignored). */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../.local', import.meta.url));

/** The pid file's name inside the data directory. */
export const LOCK_FILE = 'runtime.pid';

/** What the pid file records about the instance holding the directory. */
export interface LockInfo {
  pid: number;
  port: number;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    // Signal 0 checks existence without signalling; EPERM means it exists but is not ours.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live instance using `dataDir`, if any (a stale file left by a killed process is ignored). */
export function runningInstance(dataDir: string): LockInfo | undefined {
  let info: LockInfo;
  try {
    info = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
  return Number.isInteger(info.pid) && alive(info.pid) ? info : undefined;
}

/** A held lock on a data directory. */
export interface Lock {
  /** Records the port actually bound (known only once the gateway listens). */
  setPort(port: number): void;
  release(): void;
}

/** Claims `dataDir` for this process; throws if another live instance holds it. */
export function acquireLock(dataDir: string, port: number): Lock {
  const other = runningInstance(dataDir);
  if (other) {
    throw new Error(
      `Another local instance (pid ${other.pid}, port ${other.port}) is using ${dataDir}; stop it first`,
    );
  }
  const file = join(dataDir, LOCK_FILE);
  const startedAt = new Date().toISOString();
  const write = (boundPort: number): void => {
    const info: LockInfo = { pid: process.pid, port: boundPort, startedAt };
    writeFileSync(file, `${JSON.stringify(info)}\n`);
  };
  write(port);
  return {
    setPort: write,
    release: () => {
      try {
        const current = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
        if (current.pid === process.pid) rmSync(file, { force: true });
      } catch {
        // Already gone (e.g. the directory was wiped).
      }
    },
  };
}
