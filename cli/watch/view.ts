/**
 * `--watch`: follows a run until it ends. With `-o json`, one JSON object per line (NDJSON) on
 * stdout for every change (the run's status, each stack's or batch's). Otherwise a listr2 view:
 * one task per layer with concurrent subtasks per stack showing state and elapsed time (for a
 * deployment, one task per batch); plain lines with no escape codes when stdout is not a
 * terminal or `CI` is set (listr2's fallback renderer).
 */
import { Listr, type ListrTask } from 'listr2';
import type { Api, Globals } from '../api/client.ts';
import { type Run, type Snapshot, snapshots } from './source.ts';

type Stack = { name: string; layer: number; status: string };

/** Stack states a run of each kind ends a stack in (the subtask is then done). */
const settledStates: Record<string, readonly string[]> = {
  provision: ['provisioned', 'failed', 'skipped', 'not_started', 'destroyed'],
  update: ['provisioned', 'failed', 'skipped', 'not_started'],
  start: ['provisioned', 'failed', 'skipped', 'not_started'],
  stop: ['stopped', 'failed', 'skipped', 'not_started'],
  destroy: ['destroyed', 'failed', 'skipped', 'not_started'],
  delete_stacks: ['destroyed', 'failed', 'skipped', 'not_started'],
};

export async function watchRun(api: Api, run: Run, globals: Globals, intervalMs = 1000): Promise<Snapshot> {
  const source = snapshots(api, run, intervalMs);
  return globals.output === 'json' ? ndjson(source) : live(source);
}

async function ndjson(source: AsyncGenerator<Snapshot>): Promise<Snapshot> {
  const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
  const seen = new Map<string, string>();
  let last: Snapshot | undefined;
  for await (const snapshot of source) {
    const { run } = snapshot;
    if (seen.get('run') !== run.status) {
      seen.set('run', run.status);
      emit({ type: snapshot.kind, id: run.id, status: run.status });
    }
    if (snapshot.kind === 'operation') {
      for (const stack of snapshot.run.stacks) {
        if (seen.get(`stack:${stack.name}`) === stack.status) continue;
        seen.set(`stack:${stack.name}`, stack.status);
        emit({ type: 'stack', name: stack.name, layer: stack.layer, status: stack.status });
      }
    } else {
      for (const batch of snapshot.run.batches) {
        if (seen.get(`batch:${batch.number}`) === batch.status) continue;
        seen.set(`batch:${batch.number}`, batch.status);
        emit({ type: 'batch', number: batch.number, percent: batch.percent, status: batch.status });
      }
    }
    last = snapshot;
  }
  if (!last) throw new Error('the run could not be read');
  emit({ type: 'end', id: last.run.id, status: last.run.status, error: last.run.error });
  return last;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function live(source: AsyncGenerator<Snapshot>): Promise<Snapshot> {
  const first = await source.next();
  if (first.done) throw new Error('the run could not be read');
  let latest: Snapshot = first.value;
  // The poller keeps `latest` current while listr2 renders from it.
  const polling = (async () => {
    for await (const snapshot of source) latest = snapshot;
  })();
  const tasks =
    latest.kind === 'operation' ? layerTasks(latest.run.kind, () => latest) : batchTasks(() => latest);
  const list = new Listr(tasks, {
    exitOnError: false,
    renderer: 'default',
    fallbackRenderer: 'simple',
    fallbackRendererCondition: !process.stdout.isTTY || Boolean(process.env.CI),
    rendererOptions: { collapseSubtasks: false },
  });
  await list.run().catch(() => undefined);
  await polling;
  return latest;
}

function layerTasks(kind: string, current: () => Snapshot): ListrTask[] {
  const stacks = (): Stack[] => {
    const snapshot = current();
    return snapshot.kind === 'operation' ? snapshot.run.stacks : [];
  };
  const layers = [...new Set(stacks().map((s) => s.layer))].sort((a, b) => a - b);
  const settled = settledStates[kind] ?? settledStates.provision ?? [];
  return layers.map((layer) => ({
    title: `Layer ${layer}`,
    task: (_ctx, layerTask) =>
      layerTask.newListr(
        stacks()
          .filter((s) => s.layer === layer)
          .map((initial) => ({
            title: `${initial.name}: ${initial.status}`,
            task: async (_c, task) => {
              let startedAt: number | undefined;
              for (;;) {
                const stack = stacks().find((s) => s.name === initial.name) ?? initial;
                const active =
                  !['pending', ...settled].includes(stack.status) || stack.status !== initial.status;
                if (active && startedAt === undefined) startedAt = Date.now();
                const elapsed = startedAt === undefined ? '' : ` (${seconds(Date.now() - startedAt)})`;
                task.title = `${stack.name}: ${stack.status}${elapsed}`;
                const finished =
                  current().done || (settled.includes(stack.status) && stack.status !== initial.status);
                if (finished) {
                  if (stack.status === 'failed') throw new Error(`${stack.name} failed`);
                  if (stack.status === 'skipped' || stack.status === 'not_started') task.skip(task.title);
                  return;
                }
                await pause(100);
              }
            },
          })),
        { concurrent: true, exitOnError: false },
      ),
  }));
}

function batchTasks(current: () => Snapshot): ListrTask[] {
  const snapshot = current();
  if (snapshot.kind !== 'deployment') return [];
  return snapshot.run.batches.map((initial) => ({
    title: `Batch ${initial.number} (${initial.percent}%): ${initial.status}`,
    task: async (_c, task) => {
      for (;;) {
        const now = current();
        const batch =
          now.kind === 'deployment' ? now.run.batches.find((b) => b.number === initial.number) : undefined;
        const status = batch?.status ?? initial.status;
        task.title = `Batch ${initial.number} (${initial.percent}%): ${status}`;
        if (status === 'unhealthy') throw new Error(`batch ${initial.number} unhealthy`);
        if (status === 'healthy') return;
        if (now.done) return task.skip(task.title);
        await pause(100);
      }
    },
  }));
}
