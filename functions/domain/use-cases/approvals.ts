/**
 * Answering the approvals of operations on protected environments (rules in approvals.ts,
 * docs/decisions.md §43): approve (the run goes on), reject (it ends, nothing changed), the
 * list of what the caller may answer, and the cancel of an operation still waiting.
 *
 * Each answer is one conditional transaction on the records first (the operation must still
 * be waiting, so two answers, or an answer and the expiry, cannot both win), then the answer
 * to the workflow's waiting task, if it has reached it: a task that reaches it later finds
 * the operation answered and goes on (or ends) by itself.
 */

import { canSee, type Principal } from '../access.ts';
import { assertMayAnswer, mayApprove, policyOf } from '../approvals.ts';
import { ConflictError, NotFoundError, StaleOperationError } from '../errors.ts';
import { nowIso } from '../ids.ts';
import { ACTIVE_STATUS } from '../lifecycle.ts';
import { approvalAnsweredEvent, operationBeganEvents, operationEndedEvents } from '../lifecycle-events.ts';
import type {
  ApprovalRecord,
  EnvironmentRecord,
  OperationRecord,
  Page,
  PageRequest,
  ProjectRecord,
} from '../model.ts';
import type { TaskResponder } from '../ports.ts';
import { inScope, planLayers } from '../workflow/planning.ts';
import { type AcceptedChange, type EnvironmentDeps, environmentRef } from './environments.ts';

export interface ApprovalDeps
  extends Pick<EnvironmentDeps, 'projects' | 'environments' | 'stacks' | 'operations'> {
  responder: TaskResponder;
}

/** The error a rejection or a cancel fails the waiting task with (the ASL catches it). */
export const APPROVAL_REJECTED = 'ApprovalRejected';
export const APPROVAL_CANCELLED = 'ApprovalCancelled';

interface Waiting {
  operation: OperationRecord;
  environment: EnvironmentRecord;
  project: ProjectRecord | null;
}

/**
 * The operation, its environment and project, for a caller who may answer it: 404 when the
 * caller may see neither the operation nor it as an approver, 403 when they may see it but not
 * answer it (or asked for it), 409 when it does not wait for an answer.
 */
async function waitingForAnswer(
  deps: ApprovalDeps,
  principal: Principal,
  operationId: string,
): Promise<Waiting> {
  const operation = await deps.operations.get(operationId);
  if (!operation) throw new NotFoundError('Operation', operationId);
  const environment = await deps.environments.get(operation.environment_id);
  if (!environment) throw new NotFoundError('Operation', operationId);
  const project = await deps.projects.get(environment.project_id);
  const policy = policyOf(project);
  if (!canSee(principal, environmentRef(environment)) && !mayApprove(principal, policy)) {
    throw new NotFoundError('Operation', operationId);
  }
  assertMayAnswer(principal, policy, operation);
  if (operation.status !== 'awaiting_approval' || !operation.approval) {
    throw new ConflictError(
      `Operation ${operationId} is ${operation.status}: only an operation awaiting approval can be approved or rejected`,
      'ILLEGAL_STATE',
      { status: operation.status },
    );
  }
  return { operation, environment, project };
}

function answered(
  approval: ApprovalRecord,
  status: ApprovalRecord['status'],
  principal: Principal | null,
  comment: string | null,
  at: string,
): ApprovalRecord {
  return {
    ...approval,
    status,
    answered_by: principal?.userId ?? null,
    answered_by_name: principal ? (principal.name ?? principal.email) : null,
    comment,
    answered_at: at,
  };
}

/** Approves: the environment takes the operation's status and its pending settings; the run goes on. */
export async function approveOperation(
  deps: ApprovalDeps,
  principal: Principal,
  operationId: string,
  comment: string | null,
): Promise<AcceptedChange> {
  const { operation: waiting, environment: current } = await waitingForAnswer(deps, principal, operationId);
  const approval = waiting.approval as ApprovalRecord;
  const at = nowIso();
  if (Date.parse(approval.expires_at) <= Date.parse(at)) {
    throw new ConflictError(
      `The approval of operation ${operationId} expired at ${approval.expires_at}`,
      'ILLEGAL_STATE',
      {
        status: 'expired',
      },
    );
  }
  const stacks = await deps.stacks.list(current.id);
  const layers = planLayers(stacks, waiting);
  const operation: OperationRecord = {
    ...waiting,
    status: 'running',
    approval: answered(approval, 'approved', principal, comment, at),
    progress: {
      layer: 0,
      layers: layers.length,
      stacks_done: 0,
      stacks: layers.reduce((n, l) => n + l.stacks.length, 0),
    },
  };
  const environment = await deps.environments.approveOperation(
    current,
    operation,
    ACTIVE_STATUS[operation.kind],
    stacks.filter((s) => inScope(operation, s)),
    (after) => [
      approvalAnsweredEvent('operation.approved', after, operation, {
        by: principal.userId,
        byName: operation.approval?.answered_by_name ?? null,
        comment,
        at,
      }),
      ...operationBeganEvents(after, current.status, { ...operation, started_at: at }),
    ],
    waiting.pending_changes ?? undefined,
  );
  const token = await deps.operations.approvalTokenOf(operation.id);
  if (token) await deps.responder.succeed(token, { approved_by: principal.userId });
  return { environment, operation };
}

/** Rejects: the operation ends `rejected`, the environment goes back to where it was, nothing changed. */
export async function rejectOperation(
  deps: ApprovalDeps,
  principal: Principal,
  operationId: string,
  comment: string | null,
): Promise<AcceptedChange> {
  const { operation, environment } = await waitingForAnswer(deps, principal, operationId);
  return endWaiting(deps, environment, operation, 'rejected', principal, comment);
}

/**
 * Ends an operation still waiting for its approval (rejected, cancelled; expired is the
 * workflow's, see workflow/approval.ts) and tells its waiting task, if it has reached it.
 */
export async function endWaiting(
  deps: Pick<ApprovalDeps, 'operations' | 'responder'>,
  environment: EnvironmentRecord,
  operation: OperationRecord,
  status: 'rejected' | 'cancelled',
  principal: Principal,
  comment: string | null,
): Promise<AcceptedChange> {
  const approval = operation.approval as ApprovalRecord;
  const at = nowIso();
  const error =
    status === 'rejected'
      ? `Rejected by ${principal.name ?? principal.email ?? principal.userId}${comment ? `: ${comment}` : ''}`
      : 'Cancelled while awaiting approval';
  const outcome = {
    operationStatus: status,
    environmentStatus: approval.previous_status,
    approval: answered(approval, status, principal, comment, at),
    error,
    releaseName: false,
    at,
  } as const;
  const events = operationEndedEvents(environment, operation, outcome);
  if (status === 'rejected') {
    events.unshift(
      approvalAnsweredEvent('operation.rejected', environment, operation, {
        by: principal.userId,
        byName: outcome.approval.answered_by_name,
        comment,
        at,
      }),
    );
  }
  const ended = await deps.operations
    .finish(environment, operation, outcome, events)
    .catch((caught: unknown) => {
      // Another answer, the expiry or the reconciler ended it first.
      if (caught instanceof StaleOperationError) return false;
      throw caught;
    });
  if (!ended) {
    throw new ConflictError(`Operation ${operation.id} is no longer waiting for approval`, 'ILLEGAL_STATE');
  }
  const token = await deps.operations.approvalTokenOf(operation.id);
  if (token) {
    await deps.responder.fail(token, status === 'rejected' ? APPROVAL_REJECTED : APPROVAL_CANCELLED, error);
  }
  const after: OperationRecord = {
    ...operation,
    status,
    approval: outcome.approval,
    finished_at: at,
    error,
  };
  return {
    environment: {
      ...environment,
      status: approval.previous_status,
      version: environment.version + 1,
      updated_at: at,
    },
    operation: after,
  };
}

/** One operation waiting for the caller's answer, with its environment's name and project. */
export interface PendingApproval {
  operation: OperationRecord;
  environment: EnvironmentRecord;
}

/**
 * What the caller may answer: operations waiting for approval (their environments are in
 * `awaiting_approval`, one status index) in projects whose policy lets the caller approve,
 * not requested by the caller. Newest first.
 */
export async function listApprovals(
  deps: ApprovalDeps,
  principal: Principal,
  page: PageRequest,
): Promise<Page<PendingApproval>> {
  const environments = await deps.environments.list({ kind: 'all' }, { status: 'awaiting_approval' }, page);
  const projects = new Map<string, ProjectRecord | null>();
  const items: PendingApproval[] = [];
  for (const environment of environments.items) {
    if (!projects.has(environment.project_id)) {
      projects.set(environment.project_id, await deps.projects.get(environment.project_id));
    }
    if (!mayApprove(principal, policyOf(projects.get(environment.project_id) ?? null))) continue;
    if (!environment.current_operation_id) continue;
    const operation = await deps.operations.get(environment.current_operation_id);
    if (operation?.status !== 'awaiting_approval' || operation.requested_by === principal.userId) continue;
    items.push({ operation, environment });
  }
  return { items, next_cursor: environments.next_cursor };
}
