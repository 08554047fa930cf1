/**
 * Dependency graphs of stacks: layering (with cycle and missing-dependency detection),
 * dependants, dependencies, sub-graphs. Pure functions; graphs are plain objects so they
 * can be stored and sent as JSON.
 */
import { DependencyCycleError, MissingDependencyError } from './errors.ts';

/** stack → the stacks it depends on */
export type DependencyGraph = Readonly<Record<string, readonly string[]>>;

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The graph as a Map (own keys only, so a stack called `constructor` cannot reach
 * Object.prototype), dependencies de-duplicated in their declared order.
 */
function toMap(graph: DependencyGraph): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const stack of Object.keys(graph).sort(byName)) {
    map.set(stack, [...new Set(graph[stack] ?? [])]);
  }
  return map;
}

/** Every dependency naming a stack the graph does not contain, by stack name then declaration order. */
export function findMissingDependencies(graph: DependencyGraph): { stack: string; dependency: string }[] {
  const deps = toMap(graph);
  const missing: { stack: string; dependency: string }[] = [];
  for (const [stack, ds] of deps) {
    for (const dependency of ds) if (!deps.has(dependency)) missing.push({ stack, dependency });
  }
  return missing;
}

const VISITING = 1;
const DONE = 2;

/**
 * Depth-first walk that computes each stack's layer, or stops at the first cycle.
 * Iterative (an explicit stack of frames) so a long chain cannot overflow the call stack.
 * Assumes there are no missing dependencies.
 */
function walk(deps: Map<string, string[]>): { depth: Map<string, number> } | { cycle: string[] } {
  const state = new Map<string, number>();
  const depth = new Map<string, number>();
  for (const root of deps.keys()) {
    if (state.has(root)) continue;
    const frames: { node: string; next: number }[] = [{ node: root, next: 0 }];
    state.set(root, VISITING);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as { node: string; next: number };
      const ds = deps.get(frame.node) ?? [];
      const dependency = ds[frame.next];
      if (dependency !== undefined) {
        frame.next++;
        const seen = state.get(dependency);
        if (seen === VISITING) {
          const start = frames.findIndex((f) => f.node === dependency);
          return { cycle: [...frames.slice(start).map((f) => f.node), dependency] };
        }
        if (seen === undefined) {
          state.set(dependency, VISITING);
          frames.push({ node: dependency, next: 0 });
        }
        continue;
      }
      let deepest = 0;
      for (const d of ds) deepest = Math.max(deepest, depth.get(d) ?? 0);
      depth.set(frame.node, deepest + 1);
      state.set(frame.node, DONE);
      frames.pop();
    }
  }
  return { depth };
}

/**
 * One cycle of the graph as a closed path following "depends on" edges
 * (`['a','b','a']`: a depends on b, b depends on a), or null when there is none.
 * Dependencies on unknown stacks are ignored.
 */
export function findCycle(graph: DependencyGraph): string[] | null {
  const deps = toMap(graph);
  for (const [stack, ds] of deps) {
    deps.set(
      stack,
      ds.filter((d) => deps.has(d)),
    );
  }
  const result = walk(deps);
  return 'cycle' in result ? result.cycle : null;
}

/**
 * Layers: layers[0] holds the stacks with no dependencies; a stack's layer is 1 + the
 * deepest of its dependencies. Stacks in a layer sorted by name.
 * Throws MissingDependencyError listing every unknown dependency, or DependencyCycleError
 * naming one cycle as a closed path, e.g. ['a','b','c','a'].
 */
export function computeLayers(graph: DependencyGraph): string[][] {
  const missing = findMissingDependencies(graph);
  if (missing.length > 0) throw new MissingDependencyError(missing);
  const result = walk(toMap(graph));
  if ('cycle' in result) throw new DependencyCycleError(result.cycle);
  const layers: string[][] = [];
  for (const [stack, layer] of result.depth) {
    while (layers.length < layer) layers.push([]);
    (layers[layer - 1] as string[]).push(stack);
  }
  for (const layer of layers) layer.sort(byName);
  return layers;
}

/** stack → 1-based layer number */
export function layerNumbers(layers: string[][]): Record<string, number> {
  return Object.fromEntries(layers.flatMap((stacks, index) => stacks.map((stack) => [stack, index + 1])));
}

/** Every stack that depends on `stack`, directly or transitively, sorted by name (never `stack` itself). */
export function dependantsOf(graph: DependencyGraph, stack: string): string[] {
  const dependants = new Map<string, string[]>();
  for (const [s, ds] of toMap(graph)) {
    for (const d of ds) dependants.set(d, [...(dependants.get(d) ?? []), s]);
  }
  return reach(stack, (s) => dependants.get(s) ?? []);
}

/** Every stack that `stack` depends on, directly or transitively, sorted by name (never `stack` itself). */
export function dependenciesOf(graph: DependencyGraph, stack: string): string[] {
  const deps = toMap(graph);
  return reach(stack, (s) => deps.get(s) ?? []);
}

function reach(start: string, neighbours: (stack: string) => readonly string[]): string[] {
  const seen = new Set<string>();
  const queue = [...neighbours(start)];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...neighbours(next));
  }
  seen.delete(start);
  return [...seen].sort(byName);
}

/** The sub-graph made of `stacks` (those the graph contains), keeping only the edges between them. */
export function restrictGraph(graph: DependencyGraph, stacks: readonly string[]): Record<string, string[]> {
  const deps = toMap(graph);
  const keep = new Set(stacks.filter((s) => deps.has(s)));
  return Object.fromEntries(
    [...keep].sort(byName).map((s) => [s, (deps.get(s) ?? []).filter((d) => keep.has(d))] as const),
  );
}
