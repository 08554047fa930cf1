/**
 * Following an operation: its view (`GET /operations/{id}`, an environment's list), its
 * cancel, and its environment's log lines. A view is what the operation's record keeps
 * (one read), or, for one recorded before it kept it, what its environment and stacks say.
 */

import { assertMayModify, assertVisible, isServiceAccount, type Principal } from '../access.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type {
  EnvironmentRecord,
  LogFilter,
  LogRecord,
  OperationRecord,
  Page,
  PageRequest,
  Progress,
  StackRecord,
} from '../model.ts';
import { inScope } from '../workflow/planning.ts';
import { type ApprovalDeps, endWaiting } from './approvals.ts';
import { type EnvironmentDeps, environmentRef, getVisibleEnvironment } from './environments.ts';

type StackStatusValue = StackRecord['status'];

/** What reading and cancelling operations needs. */
export type OperationReadDeps = Pick<EnvironmentDeps, 'environments' | 'stacks' | 'operations'>;

/** An operation's environment, if the caller may see it (404 naming the operation otherwise). */
async function environmentOfOperation(
  deps: Pick<EnvironmentDeps, 'environments'>,
  principal: Principal,
  operation: OperationRecord,
): Promise<EnvironmentRecord> {
  try {
    return await getVisibleEnvironment(deps, principal, operation.environment_id);
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError('Operation', operation.id);
    throw error;
  }
}

/** An operation and its environment, if the caller may see them (404 otherwise). */
export async function getVisibleOperation(
  deps: Pick<EnvironmentDeps, 'environments' | 'operations'>,
  principal: Principal,
  operationId: string,
): Promise<{ operation: OperationRecord; environment: EnvironmentRecord }> {
  const operation = await deps.operations.get(operationId);
  if (!operation) throw new NotFoundError('Operation', operationId);
  return { operation, environment: await environmentOfOperation(deps, principal, operation) };
}

export interface OperationView {
  operation: OperationRecord;
  progress: Progress;
  stacks: { name: string; layer: number; status: StackStatusValue }[];
}

/** Live view: while it runs, the environment's progress and the stacks' current statuses. */
function view(
  operation: OperationRecord,
  environment: EnvironmentRecord,
  stacks: StackRecord[],
): OperationView {
  const live = operation.status === 'running' && environment.current_operation_id === operation.id;
  const scoped = inLayerOrder(stacks.filter((s) => inScope(operation, s)));
  return {
    operation,
    progress: live ? environment.progress : operation.progress,
    stacks: scoped.map((s) => ({
      name: s.name,
      layer: s.layer,
      status: (!live && operation.stack_results?.[s.name]) || s.status,
    })),
  };
}

/** The view's stacks in layer order, then by name. */
function inLayerOrder<T extends { name: string; layer: number }>(stacks: T[]): T[] {
  return [...stacks].sort((a, b) => a.layer - b.layer || a.name.localeCompare(b.name));
}

/**
 * One read in the usual case: the operation's record keeps its environment's owner, its
 * stacks and their statuses, and (while it runs) the environment's progress, all written by
 * the same transactions as the records they mirror. A running operation always holds its
 * environment (both change in one transaction), so its copy is the live view. An operation
 * recorded before it kept a view, or one that ended without each stack's final status (its
 * workflow never started), is shown from its environment and stacks, as it always was.
 */
export async function getOperation(
  deps: OperationReadDeps,
  principal: Principal,
  operationId: string,
): Promise<OperationView> {
  const found = await deps.operations.getWithView(operationId);
  if (!found) throw new NotFoundError('Operation', operationId);
  const { operation, view: kept } = found;
  // The kept view names the owner, not the project: a service account's confinement reads the environment.
  if (kept && !isServiceAccount(principal)) {
    assertVisible(principal, { ownerId: kept.ownerId, projectId: null }, 'Operation', operationId);
    if (operation.status === 'running') {
      return { operation, progress: kept.progress, stacks: inLayerOrder(kept.stacks) };
    }
    const results = operation.stack_results;
    if (results && kept.stacks.every((s) => results[s.name])) {
      return {
        operation,
        progress: operation.progress,
        stacks: inLayerOrder(kept.stacks.map((s) => ({ ...s, status: results[s.name] ?? s.status }))),
      };
    }
  }
  const environment = await environmentOfOperation(deps, principal, operation);
  return view(operation, environment, await deps.stacks.list(environment.id));
}

export async function listOperations(
  deps: OperationReadDeps,
  principal: Principal,
  environmentId: string,
  page: PageRequest,
): Promise<Page<OperationView>> {
  const environment = await getVisibleEnvironment(deps, principal, environmentId);
  const [operations, stacks] = await Promise.all([
    deps.operations.listByEnvironment(environmentId, page),
    deps.stacks.list(environmentId),
  ]);
  return {
    items: operations.items.map((o) => view(o, environment, stacks)),
    next_cursor: operations.next_cursor,
  };
}

/**
 * Asks a running operation to stop: stacks in flight finish, nothing new starts (one waiting
 * for approval ends at once, `cancelled`). Only a
 * flag on the operation (`OperationStore.requestCancel`); the workflow honours it in
 * domain/workflow: `startLayer` (no new layer), `settleOperation` (the run ends `cancelled`,
 * a provision rolls back) and `reconcileExecution` (a stopped execution is `cancelled`).
 */
export async function cancelOperation(
  deps: OperationReadDeps & Pick<ApprovalDeps, 'responder'>,
  principal: Principal,
  operationId: string,
): Promise<OperationView> {
  const { operation, environment } = await getVisibleOperation(deps, principal, operationId);
  assertMayModify(principal, environmentRef(environment), 'Operation', operationId);
  if (operation.status === 'awaiting_approval' && operation.approval) {
    // Nothing has changed yet: it ends at once, and its environment goes back to where it was.
    const ended = await endWaiting(deps, environment, operation, 'cancelled', principal, null);
    return view(ended.operation, ended.environment, await deps.stacks.list(environment.id));
  }
  if (operation.status !== 'running') {
    throw new ConflictError(
      `Operation ${operationId} is ${operation.status}: only a running one can be cancelled`,
      'ILLEGAL_STATE',
      {
        status: operation.status,
      },
    );
  }
  const cancelled = await deps.operations.requestCancel(operation);
  return view(cancelled, environment, await deps.stacks.list(environment.id));
}

/** An environment's log lines (its operations' and deployments'), oldest first, if the caller may see it. */
export async function listLogs(
  deps: Pick<EnvironmentDeps, 'environments' | 'logs'>,
  principal: Principal,
  environmentId: string,
  filter: LogFilter,
  page: PageRequest,
): Promise<Page<LogRecord>> {
  await getVisibleEnvironment(deps, principal, environmentId);
  return deps.logs.list(environmentId, filter, page);
}
