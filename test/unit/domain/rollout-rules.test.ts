import { describe, expect, it } from 'vitest';
import {
  batchWaitSeconds,
  checkHealth,
  failureOutcome,
  instancesAt,
  plannedBatches,
  rollbackWaitSeconds,
} from '../../../functions/domain/rollout-rules.ts';

const DEP = { id: 'dep_01jd8x3k5m7n9p1q3r5s7t9v1w' };

describe('rollout plans', () => {
  it('rolls in 25, 50 and 100 percent, or all at once', () => {
    expect(plannedBatches('rolling').map((b) => [b.number, b.percent, b.status])).toEqual([
      [1, 25, 'pending'],
      [2, 50, 'pending'],
      [3, 100, 'pending'],
    ]);
    expect(plannedBatches('all_at_once').map((b) => b.percent)).toEqual([100]);
  });

  it('puts at least one instance in a batch, and scales waits with the time scale', () => {
    expect([instancesAt(25), instancesAt(50), instancesAt(100), instancesAt(1)]).toEqual([2, 4, 8, 1]);
    expect(batchWaitSeconds('rolling', 1)).toBe(20);
    // Whole seconds only: Step Functions refuses a fractional SecondsPath.
    expect(batchWaitSeconds('all_at_once', 0.1)).toBe(5);
    expect(rollbackWaitSeconds(0.1)).toBe(2);
    expect(Number.isInteger(batchWaitSeconds('rolling', 0.37))).toBe(true);
    expect(batchWaitSeconds('rolling', 0)).toBe(0);
    expect(rollbackWaitSeconds(1)).toBe(15);
  });
});

describe('health checks', () => {
  const batch = { number: 2, percent: 50 };

  it('pass without simulation', () => {
    expect(checkHealth(DEP, null, batch)).toEqual({ healthy: true, unhealthy: 0, instances: 4 });
  });

  it('fail on the batch named by fail_at_batch only, with some of its instances unhealthy', () => {
    const failed = checkHealth(DEP, { fail_at_batch: 2 }, batch);
    expect(failed.healthy).toBe(false);
    expect(failed.unhealthy).toBeGreaterThanOrEqual(1);
    expect(failed.unhealthy).toBeLessThanOrEqual(4);
    expect(checkHealth(DEP, { fail_at_batch: 2 }, { number: 1, percent: 25 }).healthy).toBe(true);
  });

  it('draw a failure rate reproducibly per deployment and batch', () => {
    const draws = (rate: number) =>
      Array.from(
        { length: 50 },
        (_, i) => checkHealth({ id: `dep_${i}` }, { health_check_failure_rate: rate }, batch).healthy,
      );
    expect(draws(0.5)).toEqual(draws(0.5));
    expect(draws(0).every(Boolean)).toBe(true);
    expect(draws(1).some(Boolean)).toBe(false);
    const failures = draws(0.5).filter((healthy) => !healthy).length;
    expect(failures).toBeGreaterThan(10);
    expect(failures).toBeLessThan(40);
  });
});

describe('after a failed batch', () => {
  it('rolls back to the previous version, or fails when there is none', () => {
    expect(failureOutcome({ previous_version: 'v1' })).toBe('rolled_back');
    expect(failureOutcome({ previous_version: null })).toBe('failed');
  });
});
