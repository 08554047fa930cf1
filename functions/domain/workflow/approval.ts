/**
 * The workflow's side of an approval (docs/decisions.md §43): `await-approval`, the task
 * that waits (`.waitForTaskToken`), keeps its token on the operation for the API's answer;
 * `expire-approval` ends an operation nobody answered in time; and an execution that ends
 * otherwise while it waits settles it with nothing changed.
 */

import { nowIso } from '../ids.ts';
import { operationEndedEvents } from '../lifecycle-events.ts';
import type { ApprovalRecord, EnvironmentRecord, OperationRecord } from '../model.ts';
import type { OperationOutcome } from '../ports.ts';
import type { ApprovalWait, OperationRef } from './contracts.ts';
import type { SettlingDeps } from './run.ts';

/** The operation was approved before its task began to wait: the walk goes on (the ASL catches it into the walk). */
export class ApprovalAlreadyGivenError extends Error {
  constructor(operationId: string) {
    super(`Operation ${operationId} was approved`);
    this.name = 'ApprovalAlreadyGiven';
  }
}

/** The operation no longer waits (rejected, cancelled, expired, failed): the run ends (the ASL catches it). */
export class ApprovalNotPendingError extends Error {
  constructor(operationId: string, status: string) {
    super(`Operation ${operationId} is ${status}: there is nothing to approve`);
    this.name = 'ApprovalNotPending';
  }
}

/**
 * `await-approval`: keeps the waiting task's token on the operation (a newer attempt's
 * replaces an older one), so the API's answer reaches the task. If the operation was already
 * answered, the task must not wait for an answer that was given without it: the error says which way.
 */
export async function awaitApproval(
  deps: Pick<SettlingDeps, 'operations'>,
  input: ApprovalWait,
): Promise<{ waiting: true }> {
  if (await deps.operations.saveApprovalToken(input.operation_id, input.task_token)) return { waiting: true };
  const operation = await deps.operations.get(input.operation_id);
  if (operation?.status === 'running' && operation.approval?.status === 'approved') {
    throw new ApprovalAlreadyGivenError(input.operation_id);
  }
  throw new ApprovalNotPendingError(input.operation_id, operation?.status ?? 'gone');
}

/**
 * Ends an operation that waited for an approval without running: its environment goes back to
 * the status it had, nothing else changed.
 */
export async function endUnapproved(
  deps: Pick<SettlingDeps, 'operations'>,
  environment: EnvironmentRecord,
  operation: OperationRecord,
  end: { status: 'expired' | 'failed' | 'cancelled'; approval: ApprovalRecord['status']; reason: string },
): Promise<void> {
  const approval = operation.approval as ApprovalRecord;
  const at = nowIso();
  const outcome: OperationOutcome = {
    operationStatus: end.status,
    environmentStatus: approval.previous_status,
    approval: { ...approval, status: end.approval, answered_at: at },
    error: end.reason,
    releaseName: false,
    at,
  };
  await deps.operations.finish(
    environment,
    operation,
    outcome,
    operationEndedEvents(environment, operation, outcome),
  );
}

/**
 * `expire-approval` (the waiting task timed out): the operation ends `expired`, nothing changed.
 * An approval recorded in the instant before the timeout (its SendTaskSuccess found the task
 * gone) wins: the walk goes on, as when the approval came before the task began to wait.
 */
export async function expireApproval(
  deps: Pick<SettlingDeps, 'operations'>,
  ref: OperationRef,
): Promise<{ status: string }> {
  const { environment, operation } = await deps.operations.getWithEnvironment(
    ref.environment_id,
    ref.operation_id,
  );
  if (!environment || !operation?.approval) return { status: 'already-settled' };
  if (operation.status === 'running' && operation.approval.status === 'approved') {
    throw new ApprovalAlreadyGivenError(ref.operation_id);
  }
  if (operation.status !== 'awaiting_approval') return { status: 'already-settled' };
  await endUnapproved(deps, environment, operation, {
    status: 'expired',
    approval: 'expired',
    reason: `Nobody approved it before ${operation.approval.expires_at}; nothing was changed`,
  });
  return { status: 'expired' };
}
