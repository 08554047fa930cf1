/**
 * envctl as a child process against a test file's local mode (shared by the CLI test files):
 * {@link useEnvctl} gives a `run` that starts `cli/envctl.ts` with `--api-url` set, its own
 * XDG_CONFIG_HOME (a temporary directory removed after the file) and HOME,
 * stdout and stderr pipes (not a terminal) and stdin a pipe that is closed at once or carries `input`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { LOCAL_PASSWORD } from '../../local/cognito/seed-data.ts';
import type { LocalMode } from './support.ts';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Envctl {
  /** The XDG_CONFIG_HOME the runs use unless they name another. */
  readonly config: string;
  run(
    args: readonly string[],
    options?: { xdg?: string; input?: string; env?: Record<string, string> },
  ): Promise<Result>;
  /** Logs the seeded Developers user in (throws unless it worked). */
  login(): Promise<void>;
}

const envctl = new URL('../../cli/envctl.ts', import.meta.url).pathname;

export function useEnvctl(local: LocalMode): Envctl {
  const config = mkdtempSync(join(tmpdir(), 'envctl-'));
  afterAll(() => rmSync(config, { recursive: true, force: true }));

  const run: Envctl['run'] = (args, options = {}) =>
    new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [envctl, '--api-url', local.runtime.baseUrl, ...args],
        {
          env: {
            PATH: process.env.PATH,
            XDG_CONFIG_HOME: options.xdg ?? config,
            HOME: config,
            ...options.env,
          },
          timeout: 60_000,
        },
        (error, stdout, stderr) => {
          const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.end(options.input ?? '');
    });

  return {
    config,
    run,
    async login() {
      const result = await run(['login', '--email', 'developer@example.com', '--password-stdin'], {
        input: `${LOCAL_PASSWORD}\n`,
      });
      if (result.code !== 0) throw new Error(`envctl login failed: ${result.code} ${result.stderr}`);
    },
  };
}

/** NDJSON output as objects. */
export const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
