/**
 * Environment use cases: create (and start provisioning), read, list, destroy, and the
 * stack views. Status rules live in `lifecycle.ts`; this module sequences the stores
 * and the workflow starter, with compensation when a workflow cannot be started.
 */

import {
  actorOf,
  assertMayModify,
  assertVisible,
  isServiceAccount,
  type Principal,
  type ResourceRef,
  seesEverything,
} from '../access.ts';
import { approvalReason, assertProtectable, pendingApproval, policyOf, storedPlanOf } from '../approvals.ts';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../errors.ts';
import { newId, nowIso } from '../ids.ts';
import type { CreateEnvironmentInput } from '../inputs.ts';
import { assertSettled, newOperation, sortStacks } from '../lifecycle.ts';
import { awaitingApprovalEvents, operationBeganEvents, operationEndedEvents } from '../lifecycle-events.ts';
import type {
  EnvironmentPreview,
  EnvironmentRecord,
  OperationRecord,
  Page,
  PageRequest,
  StackRecord,
} from '../model.ts';
import { resolveParameters } from '../parameters.ts';
import type {
  EnvironmentChanges,
  EnvironmentFilter,
  EnvironmentStore,
  EventStore,
  LogStore,
  OperationStore,
  ProjectStore,
  QuotaStore,
  StackStore,
  WorkflowStarter,
} from '../ports.ts';
import { estimateStackMonthlyCost, getTemplate } from '../templates.ts';
import { QUOTA_LIMITS } from '../validation/validate-aws.ts';
import type { OperationKindValue } from '../vocabulary.ts';
import type { PlannedLayer } from '../workflow/contracts.ts';
import { notStartedStacks, planLayers } from '../workflow/planning.ts';
import { getModifiableProject, getVisibleProject } from './projects.ts';

export interface EnvironmentSettings {
  defaultRegion: string;
  defaultAccountId: string;
  defaultTtlHours: number;
  maxTtlHours: number;
  /** How long an operation waits for an approval before it ends `expired`. */
  approvalTimeoutSeconds: number;
}

/**
 * What the environment family of use cases works with (environments, their stacks,
 * operations, manifest, plans, drift and logs): the stores (the events' store records the
 * events that go with no other write), the workflow starter and the settings. Each use case asks for the part it uses.
 */
export interface EnvironmentDeps {
  projects: ProjectStore;
  environments: EnvironmentStore;
  stacks: StackStore;
  operations: OperationStore;
  quotas: QuotaStore;
  logs: LogStore;
  workflows: WorkflowStarter;
  events: EventStore;
  settings: EnvironmentSettings;
}

export interface AcceptedChange {
  environment: EnvironmentRecord;
  operation: OperationRecord;
}

/** Hours between now and an expiry; `null` for persistent environments. */
export function resolveTtl(input: CreateEnvironmentInput, settings: EnvironmentSettings): number | null {
  if (input.type === 'persistent') {
    if (input.ttl_hours !== undefined) {
      throw new ValidationError([{ field: 'ttl_hours', message: 'persistent environments have no TTL' }]);
    }
    return null;
  }
  const ttl = input.ttl_hours ?? settings.defaultTtlHours;
  if (ttl > settings.maxTtlHours) {
    throw new ValidationError([
      { field: 'ttl_hours', message: `must be at most ${settings.maxTtlHours} hours` },
    ]);
  }
  return ttl;
}

export async function createEnvironment(
  deps: EnvironmentDeps,
  principal: Principal,
  projectId: string,
  input: CreateEnvironmentInput,
  /** A pull request's preview (docs/decisions.md §46) names its id beforehand and records its PR. */
  options: { id?: string; preview?: EnvironmentPreview } = {},
): Promise<AcceptedChange> {
  const { settings } = deps;
  const project = await getModifiableProject(deps, principal, projectId);
  const template = getTemplate(input.template);
  if (!template) {
    throw new ValidationError([{ field: 'template', message: `unknown template '${input.template}'` }]);
  }
  const ttlHours = resolveTtl(input, settings);
  assertProtectable(input.type, input.protected);
  const parameters = resolveParameters(input.parameters, {
    environmentName: input.name,
    projectName: project.name,
  });
  const at = nowIso();
  const id = options.id ?? newId('env');
  const operation = newOperation(
    id,
    'provision',
    actorOf(principal),
    template.stacks.length,
    template.layers.length,
    at,
  );
  const environment: EnvironmentRecord = {
    id,
    project_id: project.id,
    name: input.name,
    type: input.type,
    ttl_hours: ttlHours,
    expires_at: ttlHours === null ? null : new Date(Date.parse(at) + ttlHours * 3_600_000).toISOString(),
    template: template.name,
    region: input.region ?? settings.defaultRegion,
    account_id: input.account_id ?? settings.defaultAccountId,
    parameters,
    status: 'provisioning',
    progress: operation.progress,
    base_url: null,
    current_operation_id: operation.id,
    on_failure: input.on_failure,
    protected: input.protected ?? false,
    drift_check: input.drift_check ?? null,
    next_drift_check_at: input.drift_check
      ? new Date(Date.parse(at) + input.drift_check.interval_hours * 3_600_000).toISOString()
      : null,
    estimated_monthly_cost_usd: roundCents(
      template.stacks.reduce((sum, stack) => sum + estimateStackMonthlyCost(stack.name, parameters), 0),
    ),
    error: null,
    ...(options.preview ? { preview: options.preview } : {}),
    version: 1,
    // Environments belong to the project's owner, whoever (e.g. an administrator) created them.
    owner_id: project.owner_id,
    created_by: actorOf(principal),
    created_at: at,
    updated_at: at,
  };
  const stacks: StackRecord[] = template.stacks.map((stack) => ({
    environment_id: id,
    name: stack.name,
    layer: stack.layer,
    depends_on: [...stack.dependsOn],
    status: 'pending',
    resources: [],
    outputs: {},
    estimated_monthly_cost_usd: estimateStackMonthlyCost(stack.name, parameters),
    operation_id: null,
    started_at: null,
    finished_at: null,
    error: null,
  }));
  const needsVpc = stacks.some((s) => s.name === 'network');
  // Its events are recorded with it, in the same transaction (published from the table).
  await deps.environments.create(
    environment,
    stacks,
    operation,
    operationBeganEvents(environment, null, operation),
    needsVpc ? { vpcLimit: QUOTA_LIMITS.vpcs } : undefined,
  );
  await startOrSettle(deps, 'provision', environment, operation, 'failed', undefined, stacks);
  return { environment, operation };
}

/**
 * Starts the operation's workflow. If Step Functions cannot be reached, the records are
 * settled at once (operation failed, environment back to `fallback`) rather than left
 * in a transitional status no workflow will ever finish: `stacks` (a new environment's) are
 * then `not_started`.
 */
export async function startOrSettle(
  deps: EnvironmentDeps,
  kind: OperationKindValue,
  environment: EnvironmentRecord,
  operation: OperationRecord,
  fallback: EnvironmentRecord['status'],
  restore?: EnvironmentChanges,
  stacks: StackRecord[] = [],
): Promise<void> {
  try {
    await deps.workflows.start(kind, {
      environment_id: environment.id,
      operation_id: operation.id,
      // An operation that waits for an approval first: the workflow's wait ends when it expires.
      ...(operation.approval ? { approval_timeout_seconds: deps.settings.approvalTimeoutSeconds } : {}),
    });
  } catch (cause) {
    const outcome = {
      operationStatus: 'failed',
      environmentStatus: fallback,
      ...(restore ? { restore } : {}),
      error: 'The workflow could not be started',
      notStarted: notStartedStacks(stacks, operation, 'failed'),
      releaseName: false,
      at: nowIso(),
    } as const;
    await deps.operations.finish(
      environment,
      operation,
      outcome,
      operationEndedEvents(environment, operation, outcome),
    );
    // Say exactly what state was left behind, so the client knows what to do next.
    const message =
      kind === 'provision'
        ? `Environment ${environment.id} was recorded but its provisioning could not be started; it is now failed: delete it and try again later`
        : `The ${kind} of environment ${environment.id} could not be started; it is unchanged, please retry`;
    throw new ServiceUnavailableError(message, { cause, extra: { environment_id: environment.id } });
  }
}

/** What the access rules need to know of an environment (or of a record that copies its owner and project). */
export function environmentRef(environment: { owner_id: string; project_id: string }): ResourceRef {
  return { ownerId: environment.owner_id, projectId: environment.project_id };
}

/**
 * Why an operation of this environment must first wait for an approval, or null: only a
 * protected environment's operations wait, as its project's policy says (approvals.ts). The
 * TTL sweeper's destroy never waits: an ephemeral environment cannot be protected.
 */
export async function approvalNeeded(
  deps: Pick<EnvironmentDeps, 'projects'>,
  current: EnvironmentRecord,
  kind: OperationKindValue,
  changes: EnvironmentChanges | undefined,
): Promise<string | null> {
  if (!current.protected) return null;
  const project = await deps.projects.get(current.project_id);
  return approvalReason(current, policyOf(project), kind, changes);
}

/**
 * Records an operation that waits for an approval: the environment moves to
 * `awaiting_approval` (the lock other operations meet) and nothing else changes; the
 * operation keeps its plan and the settings it will apply; its workflow starts and waits
 * (docs/decisions.md §43).
 */
export async function holdForApproval(
  deps: EnvironmentDeps,
  current: EnvironmentRecord,
  draft: OperationRecord,
  stacks: StackRecord[],
  layers: PlannedLayer[],
  reason: string,
  changes?: EnvironmentChanges,
): Promise<AcceptedChange> {
  const operation: OperationRecord = {
    ...draft,
    status: 'awaiting_approval',
    approval: pendingApproval(reason, current.status, draft.started_at, deps.settings.approvalTimeoutSeconds),
    plan: storedPlanOf(current, stacks, draft, layers, changes),
    pending_changes: changes ?? null,
  };
  const environment = await deps.environments
    .beginOperation(current, operation, 'awaiting_approval', [], (after) =>
      awaitingApprovalEvents(after, current.status, operation),
    )
    .catch((error: unknown) =>
      explainLostRace(deps.environments, current.id, error, { deploymentsBlock: true }),
    );
  await startOrSettle(deps, operation.kind, environment, operation, current.status);
  return { environment, operation };
}

export async function getVisibleEnvironment(
  deps: Pick<EnvironmentDeps, 'environments'>,
  principal: Principal,
  environmentId: string,
): Promise<EnvironmentRecord> {
  const environment = await deps.environments.get(environmentId);
  if (!environment) throw new NotFoundError('Environment', environmentId);
  assertVisible(principal, environmentRef(environment), 'Environment', environmentId);
  return environment;
}

/** An environment the caller may change: 404 if not visible, 403 if read-only. */
export async function getModifiableEnvironment(
  deps: Pick<EnvironmentDeps, 'environments'>,
  principal: Principal,
  environmentId: string,
): Promise<EnvironmentRecord> {
  const environment = await deps.environments.get(environmentId);
  if (!environment) throw new NotFoundError('Environment', environmentId);
  assertMayModify(principal, environmentRef(environment), 'Environment', environmentId);
  return environment;
}

/**
 * A conditional write of the environment lost to another request (the store's
 * `CONCURRENT_MODIFICATION`): when the winner started an operation, the 409 names it
 * (`OPERATION_IN_PROGRESS`), and so it does a deployment in progress if `deploymentsBlock`
 * (a settings-only write is not blocked by one); `explain` may name another reason from the
 * environment as it is now; otherwise the store's error stands.
 */
export async function explainLostRace(
  environments: EnvironmentStore,
  environmentId: string,
  error: unknown,
  options: { deploymentsBlock: boolean; explain?: (current: EnvironmentRecord) => void },
): Promise<never> {
  if (error instanceof ConflictError && error.errorCode === 'CONCURRENT_MODIFICATION') {
    const current = await environments.get(environmentId);
    if (current) {
      assertSettled(current, { deploymentsBlock: options.deploymentsBlock });
      options.explain?.(current);
    }
  }
  throw error;
}

export async function listEnvironments(
  deps: Pick<EnvironmentDeps, 'projects' | 'environments'>,
  principal: Principal,
  query: EnvironmentFilter & { project_id?: string | undefined },
  page: PageRequest,
): Promise<Page<EnvironmentRecord>> {
  const filter: EnvironmentFilter = { status: query.status, type: query.type };
  if (query.project_id) {
    await getVisibleProject(deps, principal, query.project_id);
    return deps.environments.list({ kind: 'project', projectId: query.project_id }, filter, page);
  }
  // A service account lists its project's environments (the project index), whoever owns them.
  const scope = principal.serviceAccount
    ? ({ kind: 'project', projectId: principal.serviceAccount.projectId } as const)
    : seesEverything(principal)
      ? ({ kind: 'all' } as const)
      : ({ kind: 'owner', ownerId: principal.userId } as const);
  return deps.environments.list(scope, filter, page);
}

export async function destroyEnvironment(
  deps: EnvironmentDeps,
  principal: Principal,
  environmentId: string,
  options: { reason?: string; onlyIf?: (current: EnvironmentRecord) => boolean } = {},
): Promise<AcceptedChange> {
  const current = await getModifiableEnvironment(deps, principal, environmentId);
  // Checked on the record the conditional write is based on, so nothing changes in between.
  if (options.onlyIf && !options.onlyIf(current)) {
    throw new ConflictError(
      `Environment ${environmentId} changed; not destroying it`,
      'CONCURRENT_MODIFICATION',
    );
  }
  if (current.status === 'destroyed') {
    throw new ConflictError(`Environment ${environmentId} is already destroyed`, 'ILLEGAL_STATE', {
      status: current.status,
    });
  }
  assertSettled(current);
  const stacks = await deps.stacks.list(environmentId);
  const remaining = stacks.filter((s) => s.status !== 'destroyed');
  const layers = new Set(remaining.map((s) => s.layer)).size;
  const operation = newOperation(
    environmentId,
    'destroy',
    actorOf(principal),
    remaining.length,
    layers,
    nowIso(),
    { reason: options.reason ?? null },
  );
  const why = await approvalNeeded(deps, current, 'destroy', undefined);
  if (why) return holdForApproval(deps, current, operation, stacks, planLayers(stacks, operation), why);
  // A destroy is about every stack (the scope of its view).
  const environment = await deps.environments
    .beginOperation(current, operation, 'destroying', stacks, (after) =>
      operationBeganEvents(after, current.status, operation),
    )
    .catch((error: unknown) =>
      explainLostRace(deps.environments, environmentId, error, { deploymentsBlock: true }),
    );
  await startOrSettle(deps, 'destroy', environment, operation, current.status);
  return { environment, operation };
}

export async function listStacks(
  deps: Pick<EnvironmentDeps, 'environments' | 'stacks'>,
  principal: Principal,
  environmentId: string,
): Promise<StackRecord[]> {
  // One read: the stacks name their environment's owner. Without one (no stacks, or stacks
  // recorded before they named it), the environment itself says whether the caller may see it.
  // Stacks name their owner, not their project: a service account's confinement needs the environment.
  const { ownerId, stacks } = await deps.stacks.listWithOwner(environmentId);
  if (ownerId === null || isServiceAccount(principal))
    await getVisibleEnvironment(deps, principal, environmentId);
  else assertVisible(principal, { ownerId, projectId: null }, 'Environment', environmentId);
  return sortStacks(stacks);
}

export async function getStack(
  deps: Pick<EnvironmentDeps, 'environments' | 'stacks'>,
  principal: Principal,
  environmentId: string,
  name: string,
): Promise<StackRecord> {
  const found = await deps.stacks.getWithOwner(environmentId, name);
  if (found?.ownerId && !isServiceAccount(principal)) {
    assertVisible(principal, { ownerId: found.ownerId, projectId: null }, 'Environment', environmentId);
    return found.stack;
  }
  // No such stack (or one that does not name its owner): 404 for the environment first, as ever.
  await getVisibleEnvironment(deps, principal, environmentId);
  if (!found) throw new NotFoundError('Stack', `${environmentId}/${name}`);
  return found.stack;
}

/** Outputs of the stacks that currently exist (provisioned or stopped), by stack name. */
export async function getOutputs(
  deps: Pick<EnvironmentDeps, 'environments' | 'stacks'>,
  principal: Principal,
  environmentId: string,
): Promise<Record<string, Record<string, unknown>>> {
  const stacks = await listStacks(deps, principal, environmentId);
  return Object.fromEntries(
    stacks
      .filter((s) => s.status === 'provisioned' || s.status === 'stopped')
      .map((s) => [s.name, s.outputs]),
  );
}

export function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}
