/**
 * `logs <env> --follow` (decisions §39): prints the environment's lines, then every new one,
 * until Ctrl-C (exit 130, as `tail -f` or `heroku logs --tail` end). It reads the environment's
 * log route (GET /environments/{id}/logs, the same `--stack`/`--level` filters), not a run's
 * stream: a stream carries one run's lines and ends with it, while an environment's log spans
 * runs and lines written outside them, so following it is what `aws logs tail --follow` does —
 * a read every second of what came since the last line seen. Each read goes back a few seconds
 * before that line (lines of parallel steps can commit a little out of timestamp order, §37) and
 * skips the lines already printed.
 */
import { type Api, type Globals, unwrap } from '../api/client.ts';
import type { components } from '../api/schema.ts';
import { exitCodes } from '../errors.ts';

type LogEvent = components['schemas']['LogEvent'];
export interface LogFilter {
  stack?: string;
  level?: LogEvent['level'];
}

/** How far before the last line seen each read starts. */
const OVERLAP_MS = 5_000;

/** A line as `logs` prints it. */
export function logText(l: LogEvent): string {
  return `${l.timestamp} ${l.level.padEnd(5)} ${l.stack ? `[${l.stack}] ` : ''}${l.message}`;
}

export async function followLogs(
  api: Api,
  g: Globals,
  env_id: string,
  filter: LogFilter,
  intervalMs = 1000,
): Promise<never> {
  process.once('SIGINT', () => process.exit(exitCodes.interrupted));
  /** The lines printed within the overlap, by their JSON (a line has no id of its own). */
  const printed = new Map<string, number>();
  let since: string | undefined;
  for (;;) {
    let latest = since === undefined ? 0 : Date.parse(since) + OVERLAP_MS;
    for (const line of await linesSince(api, env_id, filter, since)) {
      const key = JSON.stringify(line);
      if (printed.has(key)) continue;
      const at = Date.parse(line.timestamp);
      printed.set(key, at);
      latest = Math.max(latest, at);
      process.stdout.write(g.output === 'json' ? `${key}\n` : `${logText(line)}\n`);
    }
    if (latest > 0) {
      const from = latest - OVERLAP_MS;
      since = new Date(from).toISOString();
      for (const [key, at] of printed) if (at < from) printed.delete(key);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Every line from `since` on (all pages), oldest first. */
async function linesSince(
  api: Api,
  env_id: string,
  filter: LogFilter,
  since: string | undefined,
): Promise<LogEvent[]> {
  const lines: LogEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(
      await api.GET('/environments/{env_id}/logs', {
        params: { path: { env_id }, query: { limit: 100, ...filter, since, cursor } },
      }),
    );
    lines.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return lines;
}
