/**
 * envctl as a child process for the watch tests (cli-watch, cli-tty): `run` waits for it to
 * exit; `start` leaves it running and lets a test wait for what it prints, then interrupt it.
 * Either calls with an ID token (`ENVCTL_TOKEN`), so no login is stored.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';

export const envctlPath = new URL('../../cli/envctl.ts', import.meta.url).pathname;

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of an envctl child: the token, no CI (unless a test sets it), no colours. */
export function envctlEnv(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ENVCTL_TOKEN: token, ...extra };
}

/** Runs envctl to its end (stdout and stderr are pipes: not a terminal). */
export function run(baseUrl: string, token: string, args: string[], timeoutMs = 90_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [envctlPath, '--api-url', baseUrl, ...args],
      { env: envctlEnv(token), timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface Running {
  readonly child: ChildProcess;
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern` (rejects after `timeoutMs` with what it printed). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (a signal's number + 128 when it was killed by one). */
  exited(): Promise<number>;
}

export function start(baseUrl: string, token: string, args: string[]): Running {
  const child = spawn(process.execPath, [envctlPath, '--api-url', baseUrl, ...args], {
    env: envctlEnv(token),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exit = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 128)));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (Date.now() > deadline) {
          throw new Error(`envctl never printed ${pattern}; stdout:\n${out}\nstderr:\n${err}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    exited: () => exit,
  };
}
