/**
 * What a bench run produces: the sizes it ran at and the figures of each section it ran.
 * `run.ts` fills it in and writes it as JSON (`--out`); `report.ts` prints it as a table.
 */
import type { BundleReport } from './bundles.ts';
import type { CallsReport } from './calls.ts';
import type { GrowthReport } from './growth.ts';
import type { OrchestrationReport } from './orchestration.ts';
import type { ThroughputReport } from './throughput.ts';
import type { WarmReport } from './warm.ts';

export interface BenchSizes {
  initPairs: number;
  warmIterations: number;
  throughputSeconds: number;
  concurrentProvisions: number;
  growthEnvironments: number;
  growthLogItems: number;
  growthSamples: number;
}

export interface BenchReport {
  startedAt: string;
  machine: { node: string; platform: string; cpus: number; memoryGiB: number };
  sizes: BenchSizes;
  bundles?: BundleReport;
  calls?: CallsReport;
  warm?: WarmReport;
  throughput?: ThroughputReport;
  orchestration?: OrchestrationReport;
  growth?: GrowthReport;
  /** DynamoDB calls by operation over the whole run (no Scan, or the bench fails). */
  dynamoDbCalls: Record<string, number>;
}
