/**
 * Approvals of operations on protected environments (issue 14): which operations wait for
 * one, who may answer, and what an approver is shown. Pure rules; the use cases
 * (use-cases/approvals.ts, use-cases/operations.ts) apply them to the records.
 *
 * - An environment is protected (`protected: true`, persistent only); its project's policy
 *   names the operation kinds that wait (default: destroy, update, delete_stacks) and the
 *   approvers besides Administrators. Turning protection off always waits.
 * - An operation that waits changes nothing until it is approved; a rejection, an expiry or a
 *   cancel ends it with nothing changed.
 * - Nobody answers their own request, and a service account never answers.
 */

import { isServiceAccount, type Principal, seesEverything } from './access.ts';
import { ForbiddenError, ValidationError } from './errors.ts';
import { COMPUTE_STACKS } from './lifecycle.ts';
import type {
  ApprovalPolicy,
  ApprovalRecord,
  EnvironmentChanges,
  EnvironmentRecord,
  OperationRecord,
  ProjectRecord,
  StackRecord,
  StoredPlan,
} from './model.ts';
import { costOfStacks, roundUsd } from './plan-rules.ts';
import {
  APPROVABLE_OPERATION_KINDS,
  APPROVAL_DEFAULT_KINDS,
  type OperationKindValue,
  type PlannedStackChangeValue,
} from './vocabulary.ts';
import type { PlannedLayer } from './workflow/contracts.ts';

/** The policy a project applies: its own, or the defaults (the kinds of `APPROVAL_DEFAULT_KINDS`, Administrators only). */
export function policyOf(project: Pick<ProjectRecord, 'approval_policy'> | null): ApprovalPolicy {
  return project?.approval_policy ?? { operations: [...APPROVAL_DEFAULT_KINDS], approvers: [] };
}

/** Why the operation must wait for an approval, or null when it may run at once. */
export function approvalReason(
  environment: Pick<EnvironmentRecord, 'protected'>,
  policy: ApprovalPolicy,
  kind: OperationKindValue,
  changes: EnvironmentChanges | undefined,
): string | null {
  if (!environment.protected) return null;
  if (changes?.protected === false) return 'turning off the protection of a protected environment';
  const named =
    (APPROVABLE_OPERATION_KINDS as readonly string[]).includes(kind) &&
    policy.operations.some((k) => k === kind);
  return named ? `${kind.replace('_', ' ')} of a protected environment` : null;
}

/** A protected environment is persistent: an ephemeral one is destroyed by its TTL without asking anyone. */
export function assertProtectable(type: EnvironmentRecord['type'], protect: boolean | undefined): void {
  if (protect && type === 'ephemeral') {
    throw new ValidationError([
      { field: 'protected', message: 'an ephemeral environment cannot be protected (its TTL destroys it)' },
    ]);
  }
}

/** The approval an operation starts with. */
export function pendingApproval(
  reason: string,
  previous: EnvironmentRecord['status'],
  at: string,
  timeoutSeconds: number,
): ApprovalRecord {
  return {
    status: 'pending',
    reason,
    previous_status: previous,
    requested_at: at,
    expires_at: new Date(Date.parse(at) + timeoutSeconds * 1000).toISOString(),
    answered_by: null,
    answered_by_name: null,
    comment: null,
    answered_at: null,
  };
}

/** Administrators and the project's named approvers; never a service account. */
export function mayApprove(principal: Principal, policy: ApprovalPolicy): boolean {
  // A service account never approves (docs/decisions.md §44).
  if (isServiceAccount(principal)) return false;
  return principal.role === 'Administrators' || policy.approvers.includes(principal.userId);
}

/**
 * 403 unless the caller may answer this operation's approval: an allowed approver who did not
 * request it. (Whether the caller may see it at all is decided before: 404.)
 */
export function assertMayAnswer(
  principal: Principal,
  policy: ApprovalPolicy,
  operation: OperationRecord,
): void {
  if (operation.requested_by === principal.userId) {
    throw new ForbiddenError('You requested this operation: someone else must approve or reject it');
  }
  if (!mayApprove(principal, policy)) {
    throw new ForbiddenError(
      'Only an Administrator or an approver named by the project may answer an approval',
    );
  }
}

/** Whether the caller may see an operation waiting for approval: its owner's rules, or as one of its approvers. */
export function maySeeAsApprover(principal: Principal, policy: ApprovalPolicy): boolean {
  return seesEverything(principal) || mayApprove(principal, policy);
}

const CHANGE_OF: Record<OperationKindValue, PlannedStackChangeValue> = {
  provision: 'replace',
  update: 'replace',
  stop: 'stop',
  start: 'start',
  destroy: 'delete',
  delete_stacks: 'delete',
};

/** What an operation waiting for approval will do, as its approvers are shown it. */
export function storedPlanOf(
  environment: EnvironmentRecord,
  stacks: StackRecord[],
  operation: Pick<OperationRecord, 'kind'>,
  layers: PlannedLayer[],
  changes: EnvironmentChanges | undefined,
): StoredPlan {
  const change = CHANGE_OF[operation.kind];
  const layerOf = new Map(stacks.map((s) => [s.name, s.layer]));
  const walked = layers.flatMap((l) =>
    l.stacks.map((name) => ({ name, layer: layerOf.get(name) ?? l.layer, change })),
  );
  const before = environment.estimated_monthly_cost_usd;
  const names = walked.map((s) => s.name);
  const costOf = (wanted: (s: StackRecord) => boolean) =>
    stacks
      .filter((s) => names.includes(s.name) && wanted(s))
      .reduce((n, s) => n + s.estimated_monthly_cost_usd, 0);
  let after = before;
  if (operation.kind === 'destroy') after = 0;
  else if (operation.kind === 'delete_stacks') after = before - costOf((s) => s.status !== 'stopped');
  else if (operation.kind === 'stop') after = before - costOf((s) => COMPUTE_STACKS.includes(s.name));
  else if (operation.kind === 'update' && changes?.parameters) {
    after = before + costOfStacks(names, changes.parameters) - costOfStacks(names, environment.parameters);
  }
  const listed: StoredPlan['changes'] = [];
  if (changes?.parameters) {
    for (const [name, to] of Object.entries(changes.parameters)) {
      const from = (environment.parameters as Record<string, unknown>)[name];
      if (JSON.stringify(from) !== JSON.stringify(to)) listed.push({ name, from, to });
    }
  }
  if (changes?.on_failure && changes.on_failure !== environment.on_failure) {
    listed.push({ name: 'on_failure', from: environment.on_failure, to: changes.on_failure });
  }
  if (changes?.protected !== undefined && changes.protected !== (environment.protected ?? false)) {
    listed.push({ name: 'protected', from: environment.protected ?? false, to: changes.protected });
  }
  const verb = operation.kind.replace('_', ' ');
  const summary =
    walked.length === 0
      ? `${verb}: no stack changes${listed.length > 0 ? `; changes ${listed.map((c) => c.name).join(', ')}` : ''}`
      : `${verb}: ${change} ${walked.length} stack${walked.length === 1 ? '' : 's'} in ${layers.length} layer${layers.length === 1 ? '' : 's'}`;
  return {
    summary,
    stacks: walked,
    changes: listed,
    monthly_cost_before_usd: roundUsd(before),
    monthly_cost_after_usd: roundUsd(Math.max(0, after)),
  };
}
