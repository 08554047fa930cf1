/**
 * `npm run bench` keeps working: every section at toy sizes, in local mode. Figures are
 * not asserted (they depend on the machine, and belong to docs/performance.md); what is
 * asserted is that every function's bundle is measured, every section reports, nothing
 * failed, and no DynamoDB Scan was made (the run itself fails on one).
 */
import { describe, expect, it } from 'vitest';
import { functionEntries } from '../../bench/bundles.ts';
import { runBench, SECTIONS, TINY } from '../../bench/run.ts';

describe('npm run bench', () => {
  it('measures every bundle and every section at toy sizes, without a Scan', async () => {
    // Act
    const report = await runBench(TINY, SECTIONS, () => undefined);
    // Assert
    expect(report.bundles?.bundles.map((b) => b.name)).toEqual(functionEntries().map((f) => f.name));
    for (const bundle of report.bundles?.bundles ?? []) {
      expect(bundle.sizeRatio, bundle.name).toBeGreaterThan(0);
      expect(bundle.initRatio, bundle.name).toBeGreaterThan(0);
    }
    expect(report.calls?.provision.stacks).toBe(16);
    expect(report.calls?.routes.map((r) => r.route)).toContain('GET /operations/{op_id}');
    expect(report.warm?.iterations).toBe(TINY.warmIterations);
    expect(report.throughput?.get.errors).toBe(0);
    expect(report.throughput?.list.errors).toBe(0);
    expect(report.orchestration).toMatchObject({ concurrent: TINY.concurrentProvisions, errors: 0 });
    expect(report.growth?.large).toEqual({
      environments: TINY.growthEnvironments,
      logItems: TINY.growthLogItems,
    });
    expect(report.growth?.reads).toHaveLength(5);
    expect(report.dynamoDbCalls).not.toHaveProperty('Scan');
  });
});
