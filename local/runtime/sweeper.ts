/**
 * The TTL sweeper (`functions/events/sweep-environments.ts`, every minute on an EventBridge
 * schedule in AWS) runs on a timer: every `SWEEP_INTERVAL_SECONDS` (default 5; 0 = off),
 * called with the same "Scheduled Event" EventBridge sends, one run at a time.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { invokeInScope, LOCAL_ACCOUNT_ID, lambdaContext } from '../lambda-context.ts';
import { DEFAULT_EVENTS_DIR, lazyHandler } from './lazy-handler.ts';

/** The target of the schedule (see `lib/sweeper.ts`). */
const SWEEPER = 'sweep-environments';
/** Its Lambda timeout in AWS. */
const SWEEPER_TIMEOUT_MS = 60_000;
/** How often the sweeper runs locally when neither the option nor `SWEEP_INTERVAL_SECONDS` says. */
export const DEFAULT_SWEEP_INTERVAL_MS = 5_000;
/** How long stop() waits for a sweep in progress to finish. */
const SWEEP_STOP_WAIT_MS = 10_000;

/**
 * The sweep interval: `option` if given, else `SWEEP_INTERVAL_SECONDS` (seconds, fractions
 * allowed), else {@link DEFAULT_SWEEP_INTERVAL_MS}; 0 disables the sweeper.
 */
export function resolveSweepIntervalMs(
  option: number | undefined,
  envSeconds: string | undefined = process.env.SWEEP_INTERVAL_SECONDS,
): number {
  if (option !== undefined) {
    if (!Number.isFinite(option) || option < 0) throw new Error(`Invalid sweep interval: ${option} ms`);
    return option;
  }
  if (envSeconds === undefined || envSeconds.trim() === '') return DEFAULT_SWEEP_INTERVAL_MS;
  const seconds = Number(envSeconds);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`Invalid SWEEP_INTERVAL_SECONDS: ${envSeconds} (a number of seconds, 0 to disable)`);
  }
  return Math.round(seconds * 1000);
}

/** The event an EventBridge schedule delivers to its target. */
export interface ScheduledEvent {
  version: '0';
  id: string;
  'detail-type': 'Scheduled Event';
  source: 'aws.events';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, never>;
}

/** Options of {@link startLocalSweeper}. */
export interface LocalSweeperOptions {
  /** Milliseconds between the end of one run and the start of the next; 0 = never run. */
  intervalMs: number;
  /** Where `sweep-environments.ts` is (default `functions/events`). */
  eventsDir?: string;
  region?: string;
  /** No log line for sweeps that did something (errors are always logged). */
  quiet?: boolean;
}

/** A running sweeper timer. */
export interface LocalSweeper {
  intervalMs: number;
  /** Cancels the next run and waits (up to 10 s) for one in progress. */
  stop(): Promise<void>;
}

/**
 * The schedule of `lib/sweeper.ts` as a timer: every `intervalMs`, `<eventsDir>/sweep-environments.ts`
 * (imported on the first run) is called with a "Scheduled Event" and a Lambda context. Runs
 * never overlap: the next one is scheduled when the previous one has finished. A failing
 * run is logged and the timer carries on, as the schedule would. The timer does not keep
 * the process alive on its own.
 */
export function startLocalSweeper(options: LocalSweeperOptions): LocalSweeper {
  const { intervalMs } = options;
  if (!Number.isFinite(intervalMs) || intervalMs < 0)
    throw new Error(`Invalid sweep interval: ${intervalMs} ms`);
  if (intervalMs === 0) return { intervalMs, stop: () => Promise.resolve() };

  const region = options.region ?? 'us-east-1';
  const load = lazyHandler(resolve(options.eventsDir ?? DEFAULT_EVENTS_DIR, `${SWEEPER}.ts`));
  const ruleArn = `arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/${SWEEPER}`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const sweep = async (): Promise<void> => {
    const event: ScheduledEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT_ID,
      // EventBridge's format: whole seconds.
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: [ruleArn],
      detail: {},
    };
    try {
      const handler = await load();
      const context = lambdaContext({ functionName: SWEEPER, region, timeoutMs: SWEEPER_TIMEOUT_MS });
      const result = await invokeInScope(context, undefined, () => handler(event, context));
      if (!options.quiet) {
        const summary = summarize(result);
        if (summary) console.log(`[events] ${SWEEPER}: ${summary}`);
      }
    } catch (error) {
      console.error(`[events] ${SWEEPER} failed:`, error);
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = sweep().finally(() => {
        running = undefined;
        schedule();
      });
    }, intervalMs);
    timer.unref();
  };
  schedule();

  let stopping: Promise<void> | undefined;
  return {
    intervalMs,
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        timer = undefined;
        if (running) await Promise.race([running, sleep(SWEEP_STOP_WAIT_MS, undefined, { ref: false })]);
      })();
      return stopping;
    },
  };
}

/** `started: 2 (env_a, env_b)` for the non-empty lists in a sweep's result; empty when it did nothing. */
function summarize(result: unknown): string {
  if (typeof result !== 'object' || result === null) return '';
  return Object.entries(result)
    .filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]) && entry[1].length > 0)
    .map(
      ([key, list]) =>
        `${key}: ${list.length} (${list.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ')})`,
    )
    .join('; ');
}
