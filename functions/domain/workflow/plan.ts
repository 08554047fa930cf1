/** `plan-operation`: the first step of a walk. */

import { nowIso } from '../ids.ts';
import { operationLogs } from '../logs.ts';
import type { OperationPlan, OperationRef } from './contracts.ts';
import { ACTIONS, actionOf, planLayers } from './planning.ts';
import { claimOf, loadRunningWithStacks, runContext, type WorkflowDeps } from './run.ts';

/**
 * Loads the operation (it must still hold its environment), plans the layers it walks,
 * records the walk's progress and returns the plan with the run context the later steps
 * carry instead of reading the records again.
 */
export async function planOperation(deps: WorkflowDeps, ref: OperationRef): Promise<OperationPlan> {
  const { environment, operation, stacks: all } = await loadRunningWithStacks(deps, ref);
  const layers = planLayers(all, operation);
  const to = ACTIONS[actionOf(operation.kind, 'walk')].to;
  const finished = all.filter((s) => s.status === to && s.operation_id === operation.id).length;
  const stacks = layers.reduce((n, l) => n + l.stacks.length, finished);
  const detail = operation.retry_of
    ? `retry of ${operation.retry_of} (attempt ${operation.attempt})`
    : undefined;
  await deps.operations.startWalk(
    claimOf(ref, operation.kind),
    layers.length,
    stacks,
    operationLogs(environment.id, operation.id, operation.kind, 'started', nowIso(), detail),
  );
  return { ...ref, kind: operation.kind, layers, run: runContext(environment, operation) };
}
