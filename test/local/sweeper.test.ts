/**
 * The local TTL sweeper timer (what the EventBridge schedule of `lib/sweeper.ts` does in
 * AWS): it calls the sweeper handler with a "Scheduled Event" every interval, one run at a
 * time, logs a failing run and carries on, stops on stop(), and does nothing at interval 0.
 * The interval comes from the option, else SWEEP_INTERVAL_SECONDS, else 5 s.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SWEEP_INTERVAL_MS,
  type LocalSweeper,
  resolveSweepIntervalMs,
  startLocalSweeper,
} from '../../local/runtime.ts';
import { resetSweepFixture, sweepFixture } from './fixtures/events/sweep-environments.ts';

const eventsDir = fileURLToPath(new URL('./fixtures/events', import.meta.url));
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await pause(5);
  }
}

let sweeper: LocalSweeper | undefined;

beforeEach(() => resetSweepFixture());
afterEach(async () => {
  await sweeper?.stop();
  sweeper = undefined;
  vi.restoreAllMocks();
});

describe('startLocalSweeper', () => {
  it('calls the sweeper every interval with an EventBridge Scheduled Event and a Lambda context', async () => {
    sweeper = startLocalSweeper({ intervalMs: 20, eventsDir, region: 'eu-west-1', quiet: true });
    await until(() => sweepFixture().calls.length >= 3);
    const [first, second] = sweepFixture().calls;
    expect(first).toEqual({
      functionName: 'sweep-environments',
      tableName: process.env.TABLE_NAME,
      event: {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        region: 'eu-west-1',
        resources: ['arn:aws:events:eu-west-1:000000000000:rule/sweep-environments'],
        detail: {},
      },
    });
    // A new event each time, as EventBridge sends.
    const idOf = (call: { event: unknown } | undefined): unknown =>
      (call?.event as { id?: unknown } | undefined)?.id;
    expect(idOf(second)).not.toBe(idOf(first));
  });

  it('never overlaps runs, even when a run takes longer than the interval', async () => {
    sweepFixture().delayMs = 60;
    sweeper = startLocalSweeper({ intervalMs: 5, eventsDir, quiet: true });
    await until(() => sweepFixture().calls.length >= 3);
    expect(sweepFixture().maxActive).toBe(1);
  });

  it('logs a failing run and keeps sweeping', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    sweepFixture().fail = true;
    sweeper = startLocalSweeper({ intervalMs: 10, eventsDir, quiet: true });
    await until(() => sweepFixture().calls.length >= 2 && errors.mock.calls.length >= 2);
    expect(String(errors.mock.calls[0]?.[0])).toContain('sweep-environments failed');
    expect(String(errors.mock.calls[0]?.[1])).toContain('sweep fixture failure');
  });

  it('logs a handler that cannot be loaded, without throwing', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const missing = fileURLToPath(new URL('./fixtures/nowhere', import.meta.url));
    sweeper = startLocalSweeper({ intervalMs: 10, eventsDir: missing, quiet: true });
    await until(() => errors.mock.calls.length >= 2);
    expect(sweepFixture().calls).toEqual([]);
  });

  it('stops on stop(), after the run in progress has finished', async () => {
    sweepFixture().delayMs = 50;
    sweeper = startLocalSweeper({ intervalMs: 5, eventsDir, quiet: true });
    await until(() => sweepFixture().active === 1);
    await sweeper.stop();
    expect(sweepFixture().active).toBe(0);
    const calls = sweepFixture().calls.length;
    await pause(100);
    expect(sweepFixture().calls.length).toBe(calls);
  });

  it('never runs at interval 0', async () => {
    sweeper = startLocalSweeper({ intervalMs: 0, eventsDir, quiet: true });
    await pause(100);
    expect(sweepFixture().calls).toEqual([]);
    await sweeper.stop();
  });
});

describe('resolveSweepIntervalMs', () => {
  it('takes the option, else SWEEP_INTERVAL_SECONDS, else 5 s', () => {
    expect(DEFAULT_SWEEP_INTERVAL_MS).toBe(5_000);
    expect(resolveSweepIntervalMs(undefined, undefined)).toBe(5_000);
    expect(resolveSweepIntervalMs(undefined, '')).toBe(5_000);
    expect(resolveSweepIntervalMs(undefined, '2')).toBe(2_000);
    expect(resolveSweepIntervalMs(undefined, '0.5')).toBe(500);
    expect(resolveSweepIntervalMs(undefined, '0')).toBe(0);
    expect(resolveSweepIntervalMs(250, '2')).toBe(250);
    expect(resolveSweepIntervalMs(0, '2')).toBe(0);
  });

  it('refuses what is not a non-negative number', () => {
    expect(() => resolveSweepIntervalMs(undefined, 'soon')).toThrow(/SWEEP_INTERVAL_SECONDS/);
    expect(() => resolveSweepIntervalMs(undefined, '-1')).toThrow(/SWEEP_INTERVAL_SECONDS/);
    expect(() => resolveSweepIntervalMs(-5, undefined)).toThrow(/sweep interval/);
  });
});
