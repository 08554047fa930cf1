/**
 * How an operation ends. Normally: `settle-operation` decides the outcome after the walk
 * (and whether a provision rolls back what it created, DESIGN.md §5), `finalize-operation`
 * writes it after any rollback. Otherwise (`fail-operation`, the reconciler):
 * `settleAbnormally`. Each end is one write (`OperationStore.finish`) and is reported (its
 * lifecycle events) only by the call whose write ended it.
 */

import { nowIso } from '../ids.ts';
import { ACTIVE_STATUS, baseUrlFor } from '../lifecycle.ts';
import { operationEndedEvents } from '../lifecycle-events.ts';
import { operationLogs } from '../logs.ts';
import type { EnvironmentRecord, OperationRecord, StackRecord } from '../model.ts';
import type { OperationOutcome } from '../ports.ts';
import type { OperationPlan, Settlement } from './contracts.ts';
import { ACTIONS, actionOf, groupByLayer, inScope, notStartedStacks } from './planning.ts';
import {
  assertRunning,
  claimOf,
  loadRunningWithStacks,
  type SettlingDeps,
  type WorkflowDeps,
} from './run.ts';

function describeFailures(stacks: StackRecord[]): string {
  return stacks.map((s) => `${s.name} (${s.error ?? 'failed'})`).join('; ');
}

/** Each stack's status at the end, the ones never started as `not_started`. */
function resultsOf(
  stacks: StackRecord[],
  operation: OperationRecord,
  notStarted: { stack: string }[],
): Record<string, StackRecord['status']> {
  const never = new Set(notStarted.map((n) => n.stack));
  return Object.fromEntries(
    stacks
      .filter((s) => inScope(operation, s))
      .map((s) => [s.name, never.has(s.name) ? ('not_started' as const) : s.status]),
  );
}

/**
 * After the walk: succeeded, failed or cancelled, and whether a provision must roll
 * back what it created (a cancelled provision always does; a failed one unless
 * `on_failure` is `keep`).
 */
export async function settleOperation(deps: WorkflowDeps, plan: OperationPlan): Promise<Settlement> {
  const loaded = await loadRunningWithStacks(deps, plan);
  const { environment, operation } = loaded;
  const stacks = loaded.stacks.filter((s) => inScope(operation, s));
  const failed = stacks.filter((s) => s.status === 'failed' && s.operation_id === operation.id);
  // Cancel (2 of 3, see cancelOperation): the run ends `cancelled`, and a provision rolls back.
  const cancelled = operation.cancel_requested;
  const to = ACTIONS[actionOf(operation.kind, 'walk')].to;
  const unfinished = stacks.filter((s) => s.status !== to).map((s) => s.name);
  // A cancel that arrived when nothing was left to start changed nothing: the run succeeded.
  const cancelledInTime = cancelled && unfinished.length > 0;
  const rollBack =
    operation.kind === 'provision' &&
    (cancelledInTime || (failed.length > 0 && environment.on_failure === 'rollback'));
  const rollbackLayers = rollBack
    ? groupByLayer(
        stacks.filter(
          (s) =>
            s.operation_id === operation.id && (s.status === 'provisioned' || s.status === 'provisioning'),
        ),
        true,
      )
    : [];
  let status: Settlement['status'] = 'succeeded';
  let error: string | null = null;
  if (failed.length > 0) {
    status = 'failed';
    error =
      operation.kind === 'destroy' || operation.kind === 'delete_stacks'
        ? `Could not delete ${failed.length} stack(s): ${describeFailures(failed)}; still present: ${unfinished.join(', ')}`
        : `${failed.length} stack(s) failed: ${describeFailures(failed)}`;
  } else if (cancelledInTime) {
    status = 'cancelled';
    error = `Cancelled by request${unfinished.length > 0 && operation.kind !== 'provision' ? `; not done: ${unfinished.join(', ')}` : ''}`;
  } else if (unfinished.length > 0) {
    status = 'failed';
    error = `Stacks did not finish: ${unfinished.join(', ')}`;
  }
  if (rollbackLayers.length > 0) {
    const count = rollbackLayers.reduce((n, l) => n + l.stacks.length, 0);
    error = `${error}; rolling back ${count} stack(s) it created`;
  }
  return {
    environment_id: plan.environment_id,
    operation_id: plan.operation_id,
    kind: operation.kind,
    status,
    error,
    failed_stacks: failed.map((s) => s.name),
    needs_rollback: rollbackLayers.length > 0,
    rollback_layers: rollbackLayers,
    // The rollback's steps need it too.
    ...(plan.run ? { run: plan.run } : {}),
  };
}

/** Ends the operation and settles the environment from the settlement (after any rollback). */
export async function finalizeOperation(
  deps: WorkflowDeps,
  settlement: Settlement,
): Promise<{ environment_id: string; operation_id: string; status: string }> {
  const done = { environment_id: settlement.environment_id, operation_id: settlement.operation_id };
  const [records, stacks] = await Promise.all([
    deps.operations.getWithEnvironment(settlement.environment_id, settlement.operation_id),
    deps.stacks.list(settlement.environment_id),
  ]);
  // A retry of this step after its write landed: nothing left to do.
  if (records.operation && records.operation.status !== 'running') {
    return { ...done, status: records.operation.status };
  }
  const { environment, operation } = assertRunning(settlement, records.environment, records.operation);
  const cost = costOf(stacks);
  // Report a rollback only as far as it went: stacks it could not delete are named.
  const created = new Set(settlement.rollback_layers.flatMap((l) => l.stacks));
  const leftOver = stacks.filter((s) => created.has(s.name) && s.status !== 'destroyed');
  const rolledBack = settlement.needs_rollback && leftOver.length === 0;
  const succeeded = settlement.status === 'succeeded';
  const destroyed = succeeded && operation.kind === 'destroy';
  let environmentStatus: EnvironmentRecord['status'] = 'failed';
  if (succeeded)
    environmentStatus =
      operation.kind === 'destroy' ? 'destroyed' : operation.kind === 'stop' ? 'stopped' : 'running';
  // Deleting some stacks leaves a running environment with fewer stacks: its cost goes down.
  const notStarted = succeeded ? [] : notStartedStacks(stacks, operation, settlement.status, rolledBack);
  let error = settlement.error;
  if (settlement.needs_rollback && error) {
    error = rolledBack
      ? error.replace('rolling back', 'rolled back')
      : `${error.replace(/; rolling back .*$/, '')}; rollback incomplete, still present: ${describeFailures(leftOver)}`;
  }
  const outcome: OperationOutcome = {
    operationStatus: settlement.status,
    environmentStatus,
    error,
    baseUrl:
      environmentStatus === 'running'
        ? (environment.base_url ?? baseUrlFor(environment, deps.settings.baseDomain))
        : undefined,
    estimatedMonthlyCostUsd: destroyed ? 0 : cost,
    outcome: rolledBack ? 'rolled_back' : settlement.needs_rollback ? 'rollback_incomplete' : null,
    stackResults: resultsOf(stacks, operation, notStarted),
    notStarted,
    releaseName: destroyed,
    releaseVpc: destroyed && stacks.some((s) => s.name === 'network'),
    at: nowIso(),
  };
  const logs = operationLogs(
    environment.id,
    operation.id,
    operation.kind,
    settlement.status,
    nowIso(),
    error ?? undefined,
  );
  // Reported only by the call that ended it (the reconciler may have got there first).
  if (await deps.operations.finish(environment, operation, outcome, logs)) {
    await deps.events.publish(operationEndedEvents(environment, operation, outcome));
  }
  return { ...done, status: environmentStatus };
}

/** Monthly cost of what exists: provisioned stacks (stopped compute counts as zero). */
function costOf(stacks: StackRecord[]): number {
  const total = stacks
    .filter((s) => s.status === 'provisioned')
    .reduce((n, s) => n + s.estimated_monthly_cost_usd, 0);
  return Math.round(total * 100) / 100;
}

/**
 * Settles an operation that ended outside the normal path (the catch-all, the
 * reconciler): stacks it left half-way are failed with the reason, so no record stays in
 * a transitional status (a retry picks them up again), then the operation and, if it
 * still holds it, the environment.
 */
export async function settleAbnormally(
  deps: SettlingDeps,
  environment: EnvironmentRecord,
  operation: OperationRecord,
  outcome: { status: 'failed' | 'cancelled'; reason: string },
): Promise<void> {
  const holds =
    environment.current_operation_id === operation.id && environment.status === ACTIVE_STATUS[operation.kind];
  let stacks = await deps.stacks.list(environment.id);
  if (holds) {
    const claim = claimOf({ environment_id: environment.id, operation_id: operation.id }, operation.kind);
    const halfWay = stacks.filter(
      (s) => s.operation_id === operation.id && (s.status === 'provisioning' || s.status === 'destroying'),
    );
    for (const stack of halfWay)
      await deps.stacks.fail(claim, stack.name, stack.status, outcome.reason, nowIso());
    if (halfWay.length > 0) stacks = await deps.stacks.list(environment.id);
  }
  // Only the operation that holds the environment may write its stacks.
  const notStarted = holds ? notStartedStacks(stacks, operation, outcome.status) : [];
  const result: OperationOutcome = {
    operationStatus: outcome.status,
    // Only the operation that holds the environment may settle it.
    environmentStatus: holds ? 'failed' : environment.status,
    error: outcome.reason,
    ...(holds ? { estimatedMonthlyCostUsd: costOf(stacks) } : {}),
    stackResults: resultsOf(stacks, operation, notStarted),
    notStarted,
    outcome: null,
    releaseName: false,
    at: nowIso(),
  };
  const logs = operationLogs(
    environment.id,
    operation.id,
    operation.kind,
    outcome.status,
    nowIso(),
    outcome.reason,
  );
  if (await deps.operations.finish(environment, operation, result, logs)) {
    await deps.events.publish(operationEndedEvents(environment, operation, result));
  }
}
