/**
 * `--watch`: follows a run's stream until its `end` (decisions §39). With `-o json`, each stream
 * event as one JSON line (NDJSON: `{id, type, data}`, the `end` last). Otherwise a listr2 view:
 * one task per layer with concurrent subtasks per stack showing state and elapsed time (for a
 * deployment, one task per batch); plain lines with no escape codes when stdout is not a
 * terminal or `CI` is set (listr2's fallback renderer). Returns the run's final record.
 */
import { Listr, type ListrTask } from 'listr2';
import type { Api, Globals } from '../api/client.ts';
import { type Run, readRun, type Snapshot } from './source.ts';
import {
  applyEvent,
  type DeploymentState,
  deploymentState,
  elapsed,
  type OperationState,
  operationState,
  type RunState,
} from './state.ts';
import { runEvents, type StreamEvent, type StreamOptions } from './stream.ts';

export async function watchRun(
  api: Api,
  run: Run,
  globals: Globals,
  options: StreamOptions = {},
): Promise<Snapshot> {
  const first = await readRun(api, run);
  const state: RunState = first.kind === 'operation' ? operationState(first.run) : deploymentState(first.run);
  const events = runEvents(api, run, options);
  if (globals.output === 'json') {
    for await (const event of events) {
      applyEvent(state, event);
      process.stdout.write(
        `${JSON.stringify({ id: event.id ?? null, type: event.type, data: event.data })}\n`,
      );
    }
  } else {
    await live(api, state, events);
  }
  return readRun(api, run);
}

async function live(api: Api, state: RunState, events: AsyncGenerator<StreamEvent>): Promise<void> {
  let failure: unknown;
  let stopped = false;
  const refresh = batchRefresher(api, state);
  // The stream keeps `state` current while listr2 renders from it.
  const consuming = (async () => {
    try {
      for await (const event of events) {
        applyEvent(state, event);
        await refresh(event.type === 'end');
      }
    } catch (error) {
      failure = error;
    } finally {
      stopped = true;
    }
  })();
  const over = () => stopped || state.ended;
  const ticks: Ticks = new Set();
  const timer = setInterval(() => {
    for (const tick of [...ticks]) tick();
  }, 100);
  const tasks = state.kind === 'operation' ? layerTasks(state, over, ticks) : batchTasks(state, over, ticks);
  const list = new Listr(tasks, {
    exitOnError: false,
    renderer: 'default',
    fallbackRenderer: 'simple',
    fallbackRendererCondition: !process.stdout.isTTY || Boolean(process.env.CI),
    rendererOptions: { collapseSubtasks: false },
  });
  await list.run().catch(() => undefined);
  clearInterval(timer);
  await consuming;
  if (failure !== undefined) throw failure;
}

/**
 * Every title is set by one timer tick (all of them in the same turn), so a frame never shows a
 * layer counted done beside a stack line from before; a task ends in the tick that saw it settle.
 */
type Ticks = Set<() => void>;

function layerTasks(state: OperationState, over: () => boolean, ticks: Ticks): ListrTask[] {
  const layerTitle = (layer: number) => {
    const stacks = state.stacks.filter((s) => s.layer === layer);
    const done = stacks.filter((s) => s.done).length;
    const startedAt = state.layerStartedAt.get(layer);
    const finishedAt =
      done === stacks.length ? Math.max(...stacks.map((s) => s.finishedAt ?? startedAt ?? 0)) : undefined;
    const time = elapsed({ startedAt, finishedAt });
    return `Layer ${layer} (${done}/${stacks.length})${time ? ` ${time}` : ''}`;
  };
  return state.layers.map((layer) => ({
    title: layerTitle(layer),
    task: (_ctx, layerTask) => {
      ticks.add(() => {
        layerTask.title = layerTitle(layer);
      });
      return layerTask.newListr(
        state.stacks
          .filter((s) => s.layer === layer)
          .map((stack) => ({
            title: `${stack.name}: ${stack.status}`,
            task: (_c, task) =>
              new Promise<void>((resolve, reject) => {
                const tick = () => {
                  const time = elapsed(stack);
                  task.title = `${stack.name}: ${stack.status}${time ? ` (${time})` : ''}`;
                  if (!stack.done && !over()) return;
                  ticks.delete(tick);
                  if (stack.status === 'failed') return reject(new Error(`${stack.name} failed`));
                  // Skipped, never started, or left unsettled by a stream that failed.
                  if (stack.status === 'skipped' || stack.status === 'not_started' || !stack.done) {
                    task.skip(task.title);
                  }
                  resolve();
                };
                ticks.add(tick);
              }),
          })),
        { concurrent: true, exitOnError: false },
      );
    },
  }));
}

function batchTasks(state: DeploymentState, over: () => boolean, ticks: Ticks): ListrTask[] {
  return state.batches.map((initial) => ({
    title: `Batch ${initial.number} (${initial.percent}%): ${initial.status}`,
    task: (_c, task) =>
      new Promise<void>((resolve, reject) => {
        const tick = () => {
          const status = state.batches.find((b) => b.number === initial.number)?.status ?? initial.status;
          task.title = `Batch ${initial.number} (${initial.percent}%): ${status}`;
          if (status !== 'unhealthy' && status !== 'healthy' && !over()) return;
          ticks.delete(tick);
          if (status === 'unhealthy') return reject(new Error(`batch ${initial.number} unhealthy`));
          if (status !== 'healthy') task.skip(task.title);
          resolve();
        };
        ticks.add(tick);
      }),
  }));
}

/**
 * The stream carries a deployment's lines, not its batches' states: while events arrive, the
 * record is re-read (at most every 300 ms, and at the end) so the batch tasks follow. Nothing for
 * an operation.
 */
function batchRefresher(api: Api, state: RunState): (force: boolean) => Promise<void> {
  let last = 0;
  return async (force) => {
    if (state.kind !== 'deployment' || (!force && Date.now() - last < 300)) return;
    last = Date.now();
    const now = await readRun(api, { kind: 'deployment', id: state.id });
    if (now.kind === 'deployment') state.batches = now.run.batches;
  };
}
