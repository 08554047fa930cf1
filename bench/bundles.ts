/**
 * Every Lambda bundle, built exactly as the CDK app builds it (`BUNDLE_SETTINGS`), next to
 * the floor bundle built with the same settings: their sizes, and their cold init (the
 * import of the bundle in a fresh Node process, as Lambda's init phase does), as ratios to
 * the floor. Init runs are interleaved in pairs (floor, bundle), so machine load hits both
 * alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { API_GROUPS } from '../functions/api/route-types.ts';
import { STEP_GROUP_NAMES } from '../functions/steps/step-list.ts';
import { BUNDLE_SETTINGS } from '../lib/node-function.ts';
import { apiGroupEntry, eventHandlerEntry, repoPath, stepHandlerEntry } from '../lib/paths.ts';
import { median, ratio, round } from './stats.ts';

/** A function the CDK app deploys, by the name of its construct's entry. */
export interface FunctionEntry {
  name: string;
  entry: string;
}

/** Every deployed function's entry point (the same lists the CDK app builds functions from). */
export function functionEntries(): FunctionEntry[] {
  return [
    ...API_GROUPS.map((group) => ({ name: `api/${group}`, entry: apiGroupEntry(group) })),
    ...STEP_GROUP_NAMES.map((group) => ({ name: `steps/${group}`, entry: stepHandlerEntry(group) })),
    ...['reconcile-execution', 'sweep-environments', 'publish-events', 'send-webhook'].map((handler) => ({
      name: `events/${handler}`,
      entry: eventHandlerEntry(handler),
    })),
  ];
}

export const FLOOR: FunctionEntry = { name: 'floor', entry: repoPath('bench', 'floor.ts') };

export interface BuiltBundle {
  name: string;
  /** The bundle's file (`index.mjs`). */
  file: string;
  bytes: number;
  /** Its source map's size (not loaded at init). */
  mapBytes: number;
  /** What the bundle is made of: bytes by npm package or by folder of ours, largest first. */
  composition: { part: string; kb: number }[];
}

/** `node_modules/@aws-sdk/client-sfn/dist-es/x.js` → `@aws-sdk/client-sfn`; ours → its folder. */
function partOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match?.[1]) return match[1];
  return input.replace(/\/[^/]*$/, '');
}

/** Builds one entry into `<dir>/<name>/index.mjs` with the deployment's esbuild settings. */
export async function buildBundle(entry: FunctionEntry, dir: string): Promise<BuiltBundle> {
  const outdir = join(dir, entry.name.replaceAll('/', '_'));
  const file = join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [entry.entry],
    outfile: file,
    bundle: true,
    platform: BUNDLE_SETTINGS.platform,
    format: BUNDLE_SETTINGS.format,
    target: BUNDLE_SETTINGS.target,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    banner: { js: BUNDLE_SETTINGS.banner },
    minify: BUNDLE_SETTINGS.minify,
    sourcemap: BUNDLE_SETTINGS.sourceMap,
    sourcesContent: BUNDLE_SETTINGS.sourcesContent,
    metafile: true,
    logLevel: 'error',
  });
  const sizes = Object.fromEntries(readdirSync(outdir).map((f) => [f, statSync(join(outdir, f)).size]));
  const parts = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      parts.set(partOf(input), (parts.get(partOf(input)) ?? 0) + bytesInOutput);
    }
  }
  const composition = [...parts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([part, bytes]) => ({ part, kb: round(bytes / 1024) }));
  return {
    name: entry.name,
    file,
    bytes: sizes['index.mjs'] ?? 0,
    mapBytes: sizes['index.mjs.map'] ?? 0,
    composition,
  };
}

/** What Lambda's environment looks like to a bundle at init (Powertools reads it). */
const LAMBDA_ENVIRONMENT = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'bench',
  POWERTOOLS_LOG_LEVEL: 'WARN',
};

/**
 * The Lambda runtime's `awslambda` global as a streaming bundle (the `streams` group, §37) uses it
 * at init: `streamifyResponse` only marks the handler, so a minimal stand-in costs nothing here.
 */
const AWSLAMBDA_GLOBAL =
  'globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };';

/** Milliseconds to import `file` in a fresh Node process (the same Node as this one). */
export function coldInitMs(file: string): number {
  const code = `${AWSLAMBDA_GLOBAL} const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENVIRONMENT },
    encoding: 'utf8',
  });
  const ms = Number(result.stdout);
  if (result.status !== 0 || !Number.isFinite(ms)) {
    throw new Error(`Importing ${file} failed: ${result.stderr || result.stdout}`);
  }
  return ms;
}

export interface BundleFigures {
  name: string;
  kb: number;
  composition: BuiltBundle['composition'];
  mapKb: number;
  sizeRatio: number;
  initMs: number;
  floorInitMs: number;
  initRatio: number;
}

export interface BundleReport {
  floor: { kb: number; initMs: number };
  bundles: BundleFigures[];
  /** The median, over bundles, of each bundle's init ratio; and the worst. */
  initRatioMedian: number;
  initRatioWorst: number;
  sizeRatioWorst: number;
  totalKb: number;
}

/** Builds every bundle and the floor, then measures init in `pairs` interleaved pairs per bundle. */
export async function measureBundles(pairs: number, log: (line: string) => void): Promise<BundleReport> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  try {
    // All at once: esbuild builds them on its own threads, each entry on its own as the CDK does.
    const [floor, ...bundles] = await Promise.all(
      [FLOOR, ...functionEntries()].map((entry) => buildBundle(entry, dir)),
    );
    if (!floor) throw new Error('The floor bundle was not built');
    log(`built ${bundles.length} bundles and the floor`);
    const times = new Map<string, { own: number[]; floor: number[] }>(
      bundles.map((b) => [b.name, { own: [], floor: [] }]),
    );
    // Warm the file cache once, so the first pair is not the only one reading from disk.
    coldInitMs(floor.file);
    for (const bundle of bundles) coldInitMs(bundle.file);
    for (let pair = 0; pair < pairs; pair++) {
      for (const bundle of bundles) {
        const t = times.get(bundle.name);
        if (!t) continue;
        // Alternate which goes first, so neither always runs on a just-warmed machine.
        if (pair % 2 === 0) {
          t.floor.push(coldInitMs(floor.file));
          t.own.push(coldInitMs(bundle.file));
        } else {
          t.own.push(coldInitMs(bundle.file));
          t.floor.push(coldInitMs(floor.file));
        }
      }
      log(`init pairs: ${pair + 1}/${pairs}`);
    }
    const figures = bundles.map((bundle): BundleFigures => {
      const t = times.get(bundle.name) ?? { own: [], floor: [] };
      const initMs = median(t.own);
      const floorInitMs = median(t.floor);
      return {
        name: bundle.name,
        kb: round(bundle.bytes / 1024),
        composition: bundle.composition,
        mapKb: round(bundle.mapBytes / 1024),
        sizeRatio: ratio(bundle.bytes, floor.bytes),
        initMs: round(initMs),
        floorInitMs: round(floorInitMs),
        initRatio: ratio(initMs, floorInitMs),
      };
    });
    const initRatios = figures.map((f) => f.initRatio);
    return {
      floor: { kb: round(floor.bytes / 1024), initMs: round(median(figures.map((f) => f.floorInitMs))) },
      bundles: figures,
      initRatioMedian: median(initRatios),
      initRatioWorst: Math.max(...initRatios),
      sizeRatioWorst: Math.max(...figures.map((f) => f.sizeRatio)),
      totalKb: round(bundles.reduce((n, b) => n + b.bytes, 0) / 1024),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
