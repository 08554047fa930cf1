/**
 * The rules of a walk, shared by the steps, the API's plans and its operation views: what a
 * stack action is for each kind of operation and phase (provision, destroy, stop, start),
 * which statuses a stack is picked up from, holds and ends in, which stacks an operation
 * is about, and how they are grouped into layers (upwards for provision, update and start;
 * downwards for destroy, stop and stack deletions).
 */

import { COMPUTE_STACKS } from '../lifecycle.ts';
import type { OperationRecord, StackRecord } from '../model.ts';
import type { OperationOutcome } from '../ports.ts';
import type { OperationKindValue, StackStatusValue } from '../vocabulary.ts';
import type { Phase, PlannedLayer } from './contracts.ts';

export type StackAction = 'provision' | 'destroy' | 'stop' | 'start';

/**
 * Per stack action: the statuses a stack is picked up from (a stack left half-way by an
 * earlier, settled operation included), the status it holds while the action runs, and
 * the one it ends in.
 */
export const ACTIONS = {
  provision: {
    from: ['pending', 'not_started', 'provisioning', 'failed', 'skipped', 'destroyed'],
    during: 'provisioning',
    to: 'provisioned',
  },
  destroy: {
    from: [
      'pending',
      'not_started',
      'provisioning',
      'provisioned',
      'failed',
      'skipped',
      'stopped',
      'destroying',
    ],
    during: 'destroying',
    to: 'destroyed',
  },
  stop: { from: ['provisioned', 'failed'], during: 'provisioned', to: 'stopped' },
  start: { from: ['stopped', 'failed'], during: 'stopped', to: 'provisioned' },
} as const satisfies Record<
  StackAction,
  { from: readonly StackStatusValue[]; during: StackStatusValue; to: StackStatusValue }
>;

/** Statuses in which a stack has (simulated) resources that take time to delete. */
export const HAS_RESOURCES: readonly StackStatusValue[] = [
  'provisioning',
  'provisioned',
  'failed',
  'stopped',
  'destroying',
];

export function actionOf(kind: OperationKindValue, phase: Phase): StackAction {
  if (phase === 'rollback') return 'destroy';
  switch (kind) {
    case 'provision':
    case 'update':
      return 'provision';
    case 'destroy':
    case 'stop':
    case 'start':
      return kind;
    case 'delete_stacks':
      return 'destroy';
  }
}

/** Statuses a stack may be picked up from by this kind of operation. */
export function fromStatuses(kind: OperationKindValue, phase: Phase): readonly StackStatusValue[] {
  const action = actionOf(kind, phase);
  // An update re-provisions stacks that are already provisioned.
  if (kind === 'update' && phase === 'walk') return [...ACTIONS.provision.from, 'provisioned'];
  if (phase === 'rollback') return ['provisioned', 'provisioning'];
  return ACTIONS[action].from;
}

const walksDownwards = (kind: OperationKindValue) =>
  kind === 'destroy' || kind === 'stop' || kind === 'delete_stacks';

/** The stacks an operation is about: its targets, the compute stacks for stop/start, or all. */
export function inScope(operation: OperationRecord, stack: StackRecord): boolean {
  if (operation.targets) return operation.targets.includes(stack.name);
  if (operation.kind === 'stop' || operation.kind === 'start') return COMPUTE_STACKS.includes(stack.name);
  return true;
}

/**
 * The stacks of the operation a settled run never started (still `pending`): they become
 * `not_started`, with the reason, in the write that ends it (docs/decisions.md §33), and a
 * retry picks them up again. A successful run leaves none (it started every stack in scope).
 */
export function notStartedStacks(
  stacks: StackRecord[],
  operation: OperationRecord,
  status: OperationOutcome['operationStatus'],
  rolledBack = false,
): { stack: string; reason: string }[] {
  const how = status === 'cancelled' ? 'was cancelled' : status === 'failed' ? 'failed' : 'ended';
  const undone = rolledBack ? ', and what it created was rolled back' : '';
  const reason = `Not started: the ${operation.kind} ${how} before it reached this stack${undone}; a retry starts it`;
  return stacks
    .filter((s) => s.status === 'pending' && inScope(operation, s))
    .map((s) => ({ stack: s.name, reason }));
}

/** Stacks grouped by layer, in walk order (downwards: the deepest layer first), numbered from 1. */
export function groupByLayer(stacks: StackRecord[], downwards: boolean): PlannedLayer[] {
  const byLayer = new Map<number, string[]>();
  for (const stack of stacks) byLayer.set(stack.layer, [...(byLayer.get(stack.layer) ?? []), stack.name]);
  const order = [...byLayer.keys()].sort((a, b) => (downwards ? b - a : a - b));
  return order.map((layer, index) => ({ layer: index + 1, stacks: (byLayer.get(layer) ?? []).sort() }));
}

/**
 * The stacks an operation walks, grouped by layer in walk order. A stack this same
 * operation left in progress (an execution re-run after an interruption) is walked
 * again; one it already finished is not.
 */
export function planLayers(stacks: StackRecord[], operation: OperationRecord): PlannedLayer[] {
  const from = fromStatuses(operation.kind, 'walk');
  const action = ACTIONS[actionOf(operation.kind, 'walk')];
  const eligible = stacks.filter((stack) => {
    if (!inScope(operation, stack)) return false;
    const finishedByThisOperation = stack.status === action.to && stack.operation_id === operation.id;
    const resumed = stack.status === action.during && stack.operation_id === operation.id;
    return !finishedByThisOperation && (from.includes(stack.status) || resumed);
  });
  return groupByLayer(eligible, walksDownwards(operation.kind));
}
