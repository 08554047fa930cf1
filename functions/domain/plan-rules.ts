/**
 * Plans (issue 5, "plan before apply"): what a create, update or delete would do, built
 * from the same rules the operation then follows (the same layers from `planLayers`, the
 * same affected stacks from `affectedStacks`), so the plan and the run cannot disagree.
 * Pure: the services read the records and pass them in.
 */
import { type DependencyGraph, dependenciesOf } from './graph.ts';
import type { ResolvedParameters } from './parameters.ts';
import { simulatedDurationSeconds } from './simulation.ts';
import { getStackDefinition } from './stacks/registry.ts';
import { estimateStackMonthlyCost, type StackParameter } from './templates.ts';
import type { PlanAction, StackChangeValue } from './vocabulary.ts';

/** One stack of a plan and why it is in it. */
export interface PlannedStackView {
  name: string;
  layer: number;
  depends_on: string[];
  /** `create`, `replace` (an update re-provisions it) or `delete`. */
  change: StackChangeValue;
  /** Why an update touches it: the inputs that changed, or the dependency it follows. */
  reason: string | null;
  changed_parameters: StackParameter[];
  /** The resources it would create (create, replace) or delete. */
  resources: { logical_id: string; type: string; id?: string }[];
  estimated_monthly_cost_usd: number;
  /** Simulated seconds this stack takes (before SIMULATION_TIME_SCALE). */
  estimated_seconds: number;
}

export interface PlanLayerView {
  /** Position in the walk (1 first). */
  position: number;
  stacks: PlannedStackView[];
}

export interface PlanView {
  action: PlanAction;
  dry_run: true;
  environment_id: string | null;
  template: string;
  /** In walk order: upwards for create and update, downwards for delete. */
  layers: PlanLayerView[];
  stack_count: number;
  /** Monthly cost after the change (0 after a delete). */
  estimated_monthly_cost_usd: number;
  /** After minus before (a create's whole cost; a delete's negative cost). */
  cost_delta_usd: number;
  /**
   * Simulated seconds the walk takes: layers run one after another, the stacks of a layer
   * in parallel, so each layer lasts as long as its slowest stack.
   */
  expected_duration_seconds: number;
  /** The longest chain of dependencies among the planned stacks, and its seconds (a lower bound). */
  critical_path: { stacks: string[]; seconds: number };
  /** Quota checks a create must pass (VPCs per account and region). */
  quota: { name: string; limit: number; usage: number; required: number; ok: boolean }[];
  /** What happens without an operation (an update that changes no stack input). */
  note: string | null;
}

/** A stack's seconds: the environment's own draw when it exists, else its range's midpoint. */
export function stackSeconds(
  stack: string,
  kind: 'provision' | 'destroy',
  environment: { id: string; attempt: number } | null,
): number {
  const definition = getStackDefinition(stack);
  if (!definition) return 0;
  if (environment) {
    return simulatedDurationSeconds(
      stack,
      { environmentId: environment.id, attempt: environment.attempt },
      kind,
    );
  }
  const range = kind === 'provision' ? definition.durationSeconds : definition.destroyDurationSeconds;
  return Math.round((range.min + range.max) / 2);
}

/** Resources a stack's definition creates (logical id and type). */
export function definedResources(stack: string): { logical_id: string; type: string }[] {
  return (getStackDefinition(stack)?.resources ?? []).map((r) => ({ logical_id: r.logicalId, type: r.type }));
}

/** Longest dependency chain among `stacks` (by seconds), following `graph` edges inside the set. */
export function criticalPath(
  stacks: readonly string[],
  graph: DependencyGraph,
  seconds: (stack: string) => number,
): { stacks: string[]; seconds: number } {
  const inPlan = new Set(stacks);
  const memo = new Map<string, { stacks: string[]; seconds: number }>();
  const longest = (stack: string): { stacks: string[]; seconds: number } => {
    const known = memo.get(stack);
    if (known) return known;
    let best = { stacks: [] as string[], seconds: 0 };
    for (const dependency of graph[stack] ?? []) {
      if (!inPlan.has(dependency)) continue;
      const path = longest(dependency);
      if (path.seconds > best.seconds) best = path;
    }
    const result = { stacks: [...best.stacks, stack], seconds: best.seconds + seconds(stack) };
    memo.set(stack, result);
    return result;
  };
  let best = { stacks: [] as string[], seconds: 0 };
  for (const stack of stacks) {
    const path = longest(stack);
    if (path.seconds > best.seconds) best = path;
  }
  return best;
}

/** Sum over layers of the slowest stack of each. */
export function layeredDuration(
  layers: readonly { stacks: readonly { estimated_seconds: number }[] }[],
): number {
  return layers.reduce(
    (total, layer) => total + Math.max(0, ...layer.stacks.map((s) => s.estimated_seconds)),
    0,
  );
}

/** Every stack a stack transitively depends on, within the graph (for "why" lines). */
export function upstreamOf(graph: DependencyGraph, stack: string): string[] {
  return dependenciesOf(graph, stack);
}

export function roundUsd(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Monthly cost of stacks with given parameters. */
export function costOfStacks(stacks: readonly string[], parameters: ResolvedParameters): number {
  return roundUsd(stacks.reduce((sum, name) => sum + estimateStackMonthlyCost(name, parameters), 0));
}
