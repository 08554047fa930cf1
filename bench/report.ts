/** The benchmark's table: each figure next to its target (docs/performance.md explains them). */
import type { BenchReport } from './bench-report.ts';

/** Targets of the figures (issue 9); a figure over its target is marked, never failed. */
export const TARGETS = {
  bundleSizeRatio: 1.25,
  initRatioMedian: 1.2,
  initRatioWorst: 1.35,
  callsPerStack: 6,
  singleReadCalls: 1,
  growthRatio: 1.2,
} as const;

const mark = (value: number, target: number): string => (value <= target ? 'ok' : 'OVER');

function table(rows: (string | number)[][], print: (line: string) => void): void {
  const widths =
    rows[0]?.map((_, col) => Math.max(...rows.map((row) => String(row[col] ?? '').length))) ?? [];
  for (const row of rows) {
    print(
      row
        .map((cell, col) =>
          typeof cell === 'number'
            ? String(cell).padStart(widths[col] ?? 0)
            : String(cell).padEnd(widths[col] ?? 0),
        )
        .join('  '),
    );
  }
  print('');
}

export function printReport(report: BenchReport, print: (line: string) => void): void {
  print(
    `Benchmark of ${report.startedAt} — Node ${report.machine.node}, ${report.machine.cpus} CPUs, ${report.machine.memoryGiB} GiB`,
  );
  print('');
  const { bundles, calls, warm, throughput, orchestration, growth } = report;
  if (bundles) {
    print(
      `Bundles (floor: ${bundles.floor.kb} kB, init ${bundles.floor.initMs} ms; targets: size ≤ ${TARGETS.bundleSizeRatio}×, init median ≤ ${TARGETS.initRatioMedian}×, worst ≤ ${TARGETS.initRatioWorst}×)`,
    );
    table(
      [
        ['function', 'kB', 'map kB', 'size ×', '', 'init ms', 'init ×'],
        ...bundles.bundles.map((b) => [
          b.name,
          b.kb,
          b.mapKb,
          b.sizeRatio,
          mark(b.sizeRatio, TARGETS.bundleSizeRatio),
          b.initMs,
          b.initRatio,
        ]),
        ['all bundles', bundles.totalKb, '', '', '', '', ''],
        [
          'init × median / worst',
          '',
          '',
          '',
          '',
          `${bundles.initRatioMedian} ${mark(bundles.initRatioMedian, TARGETS.initRatioMedian)}`,
          `${bundles.initRatioWorst} ${mark(bundles.initRatioWorst, TARGETS.initRatioWorst)}`,
        ],
      ],
      print,
    );
  }
  if (calls) {
    print(
      `DynamoDB calls (targets: ≤ ${TARGETS.callsPerStack} a provisioned stack; GET operation and GET stacks: ${TARGETS.singleReadCalls})`,
    );
    table(
      [
        ['request', 'calls', 'what'],
        [
          `a default provision (${calls.provision.stacks} stacks)`,
          calls.provision.calls,
          `${calls.provision.perStack} a stack ${mark(calls.provision.perStack, TARGETS.callsPerStack)}; ${calls.provision.reads} reads, ${calls.provision.writes} writes`,
        ],
        ...calls.routes.map((r) => [
          r.route,
          r.calls,
          Object.entries(r.byCommand)
            .map(([command, n]) => `${command} ${n}`)
            .join(', '),
        ]),
      ],
      print,
    );
  }
  if (warm) {
    print(
      `Warm GET /environments/{id} entry point vs a raw GetItem (${warm.iterations} interleaved calls each)`,
    );
    table(
      [
        ['', 'p50 ms', 'p99 ms'],
        ['entry point', warm.handler.p50, warm.handler.p99],
        ['GetItem', warm.getItem.p50, warm.getItem.p99],
        ['ratio', warm.p50Ratio, warm.p99Ratio],
      ],
      print,
    );
  }
  if (throughput) {
    print(
      `Local API throughput vs a bare node:http server doing the same read (${throughput.connections} connections, ${throughput.seconds} s × 2 each)`,
    );
    table(
      [
        ['read', 'API req/s', 'bare req/s', 'ratio', 'errors'],
        [
          'GET /environments/{id}',
          throughput.get.apiRps,
          throughput.get.bareRps,
          throughput.get.ratio,
          throughput.get.errors,
        ],
        [
          'GET /environments',
          throughput.list.apiRps,
          throughput.list.bareRps,
          throughput.list.ratio,
          throughput.list.errors,
        ],
      ],
      print,
    );
  }
  if (orchestration) {
    print('Orchestration of zero-wait default provisions');
    table(
      [
        ['', 'ms', 'ratio to one alone'],
        ['one provision alone', orchestration.singleMs, 1],
        [
          `${orchestration.concurrent} at once, per environment`,
          orchestration.perEnvironmentMs,
          orchestration.perEnvironmentRatio,
        ],
        [
          `${orchestration.concurrent} at once, in all (errors: ${orchestration.errors})`,
          orchestration.concurrentTotalMs,
          '',
        ],
      ],
      print,
    );
  }
  if (growth) {
    print(
      `Growth: p50 with ${growth.large.environments} environments and ${growth.large.logItems} log items ÷ with ${growth.small.environments} (target ≤ ${TARGETS.growthRatio})`,
    );
    table(
      [
        ['read', 'small ms', 'large ms', 'ratio', ''],
        ...growth.reads.map((r) => [
          r.read,
          r.smallP50,
          r.largeP50,
          r.ratio,
          mark(r.ratio, TARGETS.growthRatio),
        ]),
        [
          '  its Query, DynamoDB Local alone',
          growth.deepPageStore.smallP50,
          growth.deepPageStore.largeP50,
          growth.deepPageStore.ratio,
          '',
        ],
      ],
      print,
    );
  }
  print(`DynamoDB calls in the whole run: ${JSON.stringify(report.dynamoDbCalls)} (no Scan)`);
}
