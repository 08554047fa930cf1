/**
 * What the console shows and offers for an operation of a protected environment (issue 14):
 * which buttons the signed-in user gets, what an answer did, and how a plan reads. Pure, so
 * tested in test/unit/console-approvals.test.ts.
 */
import type { Schemas } from './api.ts';
import { usd } from './format.ts';

type Operation = Pick<Schemas['Operation'], 'status' | 'requested_by'>;
type Me = Pick<Schemas['Me'], 'user_id' | 'role'>;

/** Statuses after which an operation never changes; `awaiting_approval` is not one of them. */
export const FINAL_OPERATION_STATUSES: ReadonlySet<string> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
]);

/** Whether an operation is still going: running, or waiting for its approval. */
export function isLive(status: string): boolean {
  return !FINAL_OPERATION_STATUSES.has(status);
}

export interface ApprovalButtons {
  /** Approve / Reject: not for the requester; an Administrator or an approver the project names. */
  answer: boolean;
  /** Cancel: the requester withdraws the request. */
  cancel: boolean;
}

/**
 * The buttons the API would honour for an operation waiting for approval: none for a ReadOnly
 * user or once it no longer waits. `approvers` are the project's named approvers, when known.
 */
export function approvalButtons(
  me: Me | null,
  operation: Operation,
  approvers: readonly string[] = [],
): ApprovalButtons {
  if (!me || me.role === 'ReadOnly' || operation.status !== 'awaiting_approval') {
    return { answer: false, cancel: false };
  }
  const requester = operation.requested_by === me.user_id;
  return {
    answer: !requester && (me.role === 'Administrators' || approvers.includes(me.user_id)),
    cancel: requester,
  };
}

export type Answer = 'approve' | 'reject';

/** The status message once an approval was answered. */
export function answerMessage(answer: Answer, kind: string, environment: string): string {
  return answer === 'approve'
    ? `Approved the ${kind} of ${environment}: it runs now.`
    : `Rejected the ${kind} of ${environment}: nothing changed.`;
}

/** A setting's value in a plan's changes: strings as they are, anything else as JSON. */
export function settingValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `$12.40 → $0.00 / month`. */
export function costChange(
  plan: Pick<Schemas['OperationPlan'], 'monthly_cost_before_usd' | 'monthly_cost_after_usd'>,
): string {
  return `${usd(plan.monthly_cost_before_usd)} → ${usd(plan.monthly_cost_after_usd)} / month`;
}
