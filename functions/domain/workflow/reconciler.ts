/**
 * The reconciler, the target of the state machines' status-change events
 * (`functions/events/reconcile-execution.ts`, docs/decisions.md §16).
 */

import { endUnapproved } from './approval.ts';
import type { ExecutionStatusChange, OperationRef } from './contracts.ts';
import { failureReason } from './failure.ts';
import type { ReconcilerDeps } from './run.ts';
import { settleAbnormally } from './settle.ts';

/**
 * The reconciler: an execution that ended outside the normal path (failed, timed out,
 * aborted) may have left its operation `running` and its environment in a transitional
 * status. Settle them from the execution's final status; an operation already settled
 * (the normal path) is left alone.
 */
export async function reconcileExecution(
  deps: ReconcilerDeps,
  change: ExecutionStatusChange,
): Promise<{ status: string }> {
  if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(change.status)) return { status: 'ignored' };
  let ref: Partial<OperationRef> = {};
  try {
    ref = JSON.parse(change.input ?? '{}') as Partial<OperationRef>;
  } catch {
    // The execution name is the operation id; the input only adds the environment.
  }
  const operation = await deps.operations.get(ref.operation_id ?? change.name);
  if (operation?.status !== 'running' && operation?.status !== 'awaiting_approval') {
    return { status: 'already-settled' };
  }
  const environment = await deps.environments.get(operation.environment_id);
  if (!environment) return { status: 'already-settled' };
  if (operation.status === 'awaiting_approval' && operation.approval) {
    // It never ran: it ends with its environment back where it was, nothing changed.
    const aborted = change.status === 'ABORTED';
    await endUnapproved(deps, environment, operation, {
      status: aborted ? 'cancelled' : 'failed',
      approval: 'cancelled',
      reason: `${aborted ? 'The workflow was stopped' : 'The workflow ended'} while awaiting approval; nothing was changed`,
    });
    return { status: aborted ? 'cancelled' : 'failed' };
  }
  // Cancel (3 of 3, see cancelOperation): a stopped execution whose cancel was requested ends `cancelled`.
  const cancelled = change.status === 'ABORTED' && operation.cancel_requested;
  const reason =
    change.status === 'TIMED_OUT'
      ? 'The workflow timed out'
      : change.status === 'ABORTED'
        ? cancelled
          ? 'Cancelled by request; the workflow was stopped'
          : 'The workflow was stopped'
        : failureReason({ Error: change.error ?? undefined, Cause: change.cause ?? undefined });
  await settleAbnormally(deps, environment, operation, {
    status: cancelled ? 'cancelled' : 'failed',
    reason,
  });
  return { status: cancelled ? 'cancelled' : 'failed' };
}
