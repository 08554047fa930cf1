/**
 * `npm run bench`: what the functions cost, as ratios against baselines measured in the
 * same run (never absolute timings, which depend on the machine):
 *   bundles      every Lambda bundle's size and cold init ÷ the floor bundle's
 *   calls        DynamoDB calls per request and per provisioned stack
 *   warm         the GET-environment entry point ÷ a raw GetItem (p50, p99)
 *   throughput   the local API ÷ a bare node:http server doing the same reads
 *   orchestration a zero-wait `default` provision alone, and per environment among many
 *   growth       reads with 10,000 environments and 100,000 log items ÷ with 10
 * It prints a table and writes the figures as JSON (`--out`, default `.bench/latest.json`).
 * `--tiny` runs every section at toy sizes (the test that keeps the bench working);
 * `--only a,b` runs some sections. It fails if any DynamoDB `Scan` is made.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { documentClient } from '../functions/data/client.ts';
import { countDynamoDbCalls } from '../test/support/dynamodb-calls.ts';
import type { BenchReport, BenchSizes } from './bench-report.ts';
import { measureBundles } from './bundles.ts';
import { measureCalls } from './calls.ts';
import { measureGrowth } from './growth.ts';
import { startBenchApi } from './local-api.ts';
import { measureOrchestration } from './orchestration.ts';
import { printReport } from './report.ts';
import { measureThroughput } from './throughput.ts';
import { measureWarm } from './warm.ts';

export const SECTIONS = ['bundles', 'calls', 'warm', 'throughput', 'orchestration', 'growth'] as const;
export type Section = (typeof SECTIONS)[number];

export const FULL: BenchSizes = {
  initPairs: 15,
  warmIterations: 500,
  throughputSeconds: 5,
  concurrentProvisions: 100,
  growthEnvironments: 10_000,
  growthLogItems: 100_000,
  growthSamples: 40,
};

export const TINY: BenchSizes = {
  initPairs: 1,
  warmIterations: 5,
  throughputSeconds: 1,
  concurrentProvisions: 3,
  growthEnvironments: 40,
  growthLogItems: 60,
  growthSamples: 3,
};

export async function runBench(
  sizes: BenchSizes,
  sections: readonly Section[],
  log: (line: string) => void,
): Promise<BenchReport> {
  const os = await import('node:os');
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    },
    sizes,
    dynamoDbCalls: {},
  };
  if (sections.includes('bundles')) {
    log('bundles: building and measuring cold init');
    report.bundles = await measureBundles(sizes.initPairs, log);
  }
  const local = sections.filter((s) => s !== 'bundles');
  if (local.length === 0) return report;
  const api = await startBenchApi();
  const everything = countDynamoDbCalls(documentClient());
  try {
    if (local.includes('calls')) {
      log('calls: counting DynamoDB calls');
      report.calls = await measureCalls(api, log);
    }
    if (local.includes('warm')) {
      log('warm: GET environment vs GetItem');
      report.warm = await measureWarm(api, sizes.warmIterations);
    }
    if (local.includes('throughput')) {
      log('throughput: local API vs a bare server');
      report.throughput = await measureThroughput(api, sizes.throughputSeconds);
    }
    if (local.includes('orchestration')) {
      log(`orchestration: one provision, then ${sizes.concurrentProvisions} at once`);
      report.orchestration = await measureOrchestration(api, sizes.concurrentProvisions);
    }
    if (local.includes('growth')) {
      log('growth: seeding and reading');
      report.growth = await measureGrowth(
        api,
        {
          environments: sizes.growthEnvironments,
          logItems: sizes.growthLogItems,
          samples: sizes.growthSamples,
        },
        log,
      );
    }
    report.dynamoDbCalls = { ...everything.byCommand };
    everything.assertNoScan();
    return report;
  } finally {
    everything.stop();
    await api.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tiny: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: '.bench/latest.json' },
    },
  });
  const sections = values.only ? (values.only.split(',').map((s) => s.trim()) as Section[]) : [...SECTIONS];
  const unknown = sections.filter((s) => !SECTIONS.includes(s));
  if (unknown.length > 0)
    throw new Error(`Unknown section(s): ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const report = await runBench(values.tiny ? TINY : FULL, sections, log);
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  printReport(report, (line) => process.stdout.write(`${line}\n`));
  log(`figures written to ${out}`);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
