/**
 * Operation use cases beyond create and destroy: update (re-provision only what changed,
 * and its dependants), stop and start (compute stacks) and retry. One mutating operation at
 * a time per environment: each starts only from a settled status, with a conditional write.
 * Reading operations, and cancelling one, are in operation-views.ts.
 */

import { actorOf, assertMayModify, type Principal } from '../access.ts';
import { assertProtectable } from '../approvals.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { dependantsOf } from '../graph.ts';
import { nowIso } from '../ids.ts';
import type { UpdateEnvironmentInput } from '../inputs.ts';
import { ACTIVE_STATUS, assertSettled, COMPUTE_STACKS, newOperation } from '../lifecycle.ts';
import { operationBeganEvents } from '../lifecycle-events.ts';
import type { EnvironmentRecord, OperationRecord, StackRecord } from '../model.ts';
import type { ResolvedParameters } from '../parameters.ts';
import type { EnvironmentChanges } from '../ports.ts';
import { getTemplate, PARAMETER_CONSUMERS, type StackParameter } from '../templates.ts';
import type { OperationKindValue } from '../vocabulary.ts';
import { inScope, planLayers } from '../workflow/planning.ts';
import {
  type AcceptedChange,
  approvalNeeded,
  type EnvironmentDeps,
  environmentRef,
  explainLostRace,
  getModifiableEnvironment,
  holdForApproval,
  startOrSettle,
} from './environments.ts';
import { getVisibleOperation } from './operation-views.ts';
import { assertVersionMatches } from './projects.ts';

/** 409 with the current status unless the environment is in one of `allowed`. */
export function assertStatus(
  environment: EnvironmentRecord,
  allowed: EnvironmentRecord['status'][],
  action: string,
): void {
  if (allowed.includes(environment.status)) return;
  assertSettled(environment);
  throw new ConflictError(
    `Cannot ${action} environment ${environment.id}: it is ${environment.status}`,
    'ILLEGAL_STATE',
    { status: environment.status },
  );
}

/**
 * Records the operation, moves the environment to the operation's status (with any
 * setting changes, in the same conditional write) and starts its workflow.
 */
export async function begin(
  deps: EnvironmentDeps,
  current: EnvironmentRecord,
  kind: OperationKindValue,
  principal: Principal,
  options: {
    targets?: string[] | null;
    attempt?: number;
    retryOf?: string | null;
    reason?: string | null;
    changes?: EnvironmentChanges;
  } = {},
): Promise<AcceptedChange> {
  const draft = newOperation(current.id, kind, actorOf(principal), 0, 0, nowIso(), {
    reason: options.reason ?? null,
    targets: options.targets ?? null,
    attempt: options.attempt ?? 1,
    retryOf: options.retryOf ?? null,
  });
  // Progress starts from what this operation will walk.
  const stacks = await deps.stacks.list(current.id);
  const layers = planLayers(stacks, draft);
  const operation: OperationRecord = {
    ...draft,
    progress: {
      layer: 0,
      layers: layers.length,
      stacks_done: 0,
      stacks: layers.reduce((n, l) => n + l.stacks.length, 0),
    },
  };
  const why = await approvalNeeded(deps, current, kind, options.changes);
  if (why) return holdForApproval(deps, current, operation, stacks, layers, why, options.changes);
  const environment = await deps.environments
    .beginOperation(
      current,
      operation,
      ACTIVE_STATUS[kind],
      stacks.filter((s) => inScope(operation, s)),
      (after) => operationBeganEvents(after, current.status, operation),
      options.changes,
    )
    .catch((error: unknown) =>
      explainLostRace(deps.environments, current.id, error, { deploymentsBlock: true }),
    );
  // If the workflow cannot start, the settings this operation changed are put back too.
  const changes = options.changes;
  const restore: EnvironmentChanges | undefined = changes
    ? {
        parameters: current.parameters,
        on_failure: current.on_failure,
        ...(changes.expiry && current.expires_at
          ? { expiry: { id: current.id, ttl_hours: current.ttl_hours, expires_at: current.expires_at } }
          : {}),
        ...(changes.drift
          ? {
              drift: {
                id: current.id,
                check: current.drift_check ?? null,
                next_at: current.next_drift_check_at ?? null,
              },
            }
          : {}),
      }
    : undefined;
  await startOrSettle(deps, kind, environment, operation, current.status, restore);
  return { environment, operation };
}

/**
 * The stacks whose inputs differ between two parameter sets, with the parameters that
 * changed for each, and every stack that depends on one of them.
 */
export function affectedStacks(
  template: NonNullable<ReturnType<typeof getTemplate>>,
  before: ResolvedParameters,
  after: ResolvedParameters,
): { changed: Record<string, StackParameter[]>; dependants: string[]; targets: string[] } {
  const inTemplate = new Set(template.stacks.map((s) => s.name));
  const changed: Record<string, StackParameter[]> = {};
  for (const key of Object.keys(PARAMETER_CONSUMERS) as StackParameter[]) {
    if (before[key] === after[key]) continue;
    for (const stack of PARAMETER_CONSUMERS[key]) {
      if (inTemplate.has(stack)) changed[stack] = [...(changed[stack] ?? []), key];
    }
  }
  const dependants = new Set<string>();
  for (const stack of Object.keys(changed)) {
    for (const dependant of dependantsOf(template.graph, stack)) {
      if (!(dependant in changed)) dependants.add(dependant);
    }
  }
  const layerOf = new Map(template.stacks.map((s) => [s.name, s.layer]));
  const targets = [...Object.keys(changed), ...dependants].sort(
    (a, b) => (layerOf.get(a) ?? 0) - (layerOf.get(b) ?? 0) || a.localeCompare(b),
  );
  return { changed, dependants: [...dependants].sort(), targets };
}

/**
 * Stacks deleted on purpose (DELETE …/stacks/{stack}) stay deleted: a parameter change does
 * not bring them back (a redeploy of the stack does).
 */
export function withoutDeleted(targets: string[], stacks: StackRecord[]): string[] {
  const deleted = new Set(stacks.filter((s) => s.status === 'destroyed').map((s) => s.name));
  return targets.filter((name) => !deleted.has(name));
}

/** Merges a partial parameter change into the resolved parameters (`simulate` is replaced whole). */
export function mergeParameters(
  current: ResolvedParameters,
  change: UpdateEnvironmentInput['parameters'],
): ResolvedParameters {
  if (!change) return current;
  const merged: ResolvedParameters = { ...current };
  for (const [key, value] of Object.entries(change)) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  return merged;
}

/**
 * A new expiry from `ttl_hours` (counted from now) or an explicit `expires_at`: only for
 * ephemeral environments, in the future, and within the configured maximum TTL.
 */
export function newExpiry(
  current: EnvironmentRecord,
  input: UpdateEnvironmentInput,
  maxTtlHours: number,
  now: Date,
): EnvironmentChanges['expiry'] {
  if (input.ttl_hours === undefined && input.expires_at === undefined) return undefined;
  const field = input.ttl_hours !== undefined ? 'ttl_hours' : 'expires_at';
  if (current.type !== 'ephemeral') {
    throw new ValidationError([{ field, message: 'persistent environments have no TTL' }]);
  }
  const expires =
    input.ttl_hours !== undefined
      ? now.getTime() + input.ttl_hours * 3_600_000
      : Date.parse(input.expires_at ?? '');
  if (expires <= now.getTime()) throw new ValidationError([{ field, message: 'must be in the future' }]);
  if (expires > now.getTime() + maxTtlHours * 3_600_000) {
    throw new ValidationError([{ field, message: `must be within ${maxTtlHours} hours from now` }]);
  }
  return {
    id: current.id,
    ttl_hours: input.ttl_hours ?? Math.ceil((expires - now.getTime()) / 3_600_000),
    expires_at: new Date(expires).toISOString(),
  };
}

export type UpdateResult = AcceptedChange | { environment: EnvironmentRecord; operation: null };

/**
 * PATCH: validates and applies new parameters. When a stack input changed, an `update`
 * operation re-provisions those stacks and their dependants (202); otherwise the
 * settings are saved at once (200, no operation).
 */
export async function updateEnvironment(
  deps: EnvironmentDeps,
  principal: Principal,
  environmentId: string,
  input: UpdateEnvironmentInput,
  ifMatch: number | undefined,
  now: Date = new Date(),
): Promise<UpdateResult> {
  const current = await getModifiableEnvironment(deps, principal, environmentId);
  assertVersionMatches(ifMatch, current);
  const parameters = mergeParameters(current.parameters, input.parameters);
  const expiry = newExpiry(current, input, deps.settings.maxTtlHours, now);
  const drift =
    input.drift_check === undefined
      ? undefined
      : {
          id: current.id,
          check: input.drift_check,
          next_at: input.drift_check
            ? new Date(now.getTime() + input.drift_check.interval_hours * 3_600_000).toISOString()
            : null,
        };
  assertProtectable(current.type, input.protected);
  return applyParameters(deps, principal, current, {
    parameters,
    ...(input.on_failure ? { on_failure: input.on_failure } : {}),
    ...(expiry ? { expiry } : {}),
    ...(drift ? { drift } : {}),
    ...(input.protected !== undefined && input.protected !== (current.protected ?? false)
      ? { protected: input.protected }
      : {}),
  });
}

/**
 * New parameters (and settings) for an environment the caller may change, already checked
 * against its version: an `update` operation when a stack input changed, else saved at once.
 */
export async function applyParameters(
  deps: EnvironmentDeps,
  principal: Principal,
  current: EnvironmentRecord,
  changes: EnvironmentChanges & { parameters: ResolvedParameters },
): Promise<UpdateResult> {
  const template = getTemplate(current.template);
  if (!template) throw new ConflictError(`Template ${current.template} no longer exists`, 'ILLEGAL_STATE');
  const { parameters } = changes;
  const affected = affectedStacks(template, current.parameters, parameters).targets;
  const targets = withoutDeleted(affected, await deps.stacks.list(current.id));
  if (changes.protected === false && current.protected) {
    // Turning protection off is itself an operation, and it waits for an approval
    // (approvals.ts); it walks the stacks whose inputs change with it, if any.
    assertStatus(current, ['running'], 'turn off the protection of');
    return begin(deps, current, 'update', principal, { targets, changes });
  }
  if (targets.length === 0) {
    // Settings that change no stack (failure injection, on_failure) apply at once, also
    // to a failed environment, so it can be fixed before a retry.
    assertStatus(current, ['running', 'stopped', 'failed'], 'update');
    const environment = await deps.environments
      .updateSettings(current, changes)
      // A rollout does not block a settings-only write: only a running operation explains the loss.
      .catch((error: unknown) =>
        explainLostRace(deps.environments, current.id, error, { deploymentsBlock: false }),
      );
    return { environment, operation: null };
  }
  assertStatus(current, ['running'], 'update');
  return begin(deps, current, 'update', principal, { targets, changes });
}

export async function stopEnvironment(
  deps: EnvironmentDeps,
  principal: Principal,
  environmentId: string,
): Promise<AcceptedChange> {
  const current = await getModifiableEnvironment(deps, principal, environmentId);
  assertStatus(current, ['running'], 'stop');
  return begin(deps, current, 'stop', principal);
}

export async function startEnvironment(
  deps: EnvironmentDeps,
  principal: Principal,
  environmentId: string,
): Promise<AcceptedChange> {
  const current = await getModifiableEnvironment(deps, principal, environmentId);
  assertStatus(current, ['stopped'], 'start');
  return begin(deps, current, 'start', principal);
}

/**
 * Starts a new operation that resumes a failed or cancelled one: the same kind, the
 * next attempt, and only what is left (provisioned stacks are not touched again).
 */
export async function retryOperation(
  deps: EnvironmentDeps,
  principal: Principal,
  operationId: string,
): Promise<AcceptedChange> {
  const { operation, environment } = await getVisibleOperation(deps, principal, operationId);
  assertMayModify(principal, environmentRef(environment), 'Operation', operationId);
  if (operation.status !== 'failed' && operation.status !== 'cancelled') {
    throw new ConflictError(
      `Operation ${operationId} is ${operation.status}: only a failed or cancelled one can be retried`,
      'ILLEGAL_STATE',
      { status: operation.status },
    );
  }
  if (environment.current_operation_id !== operation.id) {
    throw new ConflictError(
      `Operation ${operationId} is not the environment's latest; retry ${environment.current_operation_id} instead`,
      'ILLEGAL_STATE',
      { operation_id: environment.current_operation_id },
    );
  }
  assertStatus(environment, ['failed'], 'retry an operation of');
  const stacks = await deps.stacks.list(environment.id);
  const byName = new Map(stacks.map((s) => [s.name, s]));
  // An update or a stack deletion resumes its own targets, minus what it already did; the
  // others recompute what is left from the stacks' statuses.
  const done = operation.kind === 'delete_stacks' ? 'destroyed' : 'provisioned';
  const targets =
    operation.kind === 'update' || operation.kind === 'delete_stacks'
      ? (operation.targets ?? []).filter((name) => {
          const stack = byName.get(name);
          return !(stack?.status === done && stack.operation_id === operation.id);
        })
      : null;
  if (operation.kind === 'stop' || operation.kind === 'start') {
    const from = operation.kind === 'stop' ? 'provisioned' : 'stopped';
    const left = stacks.filter(
      (s) => COMPUTE_STACKS.includes(s.name) && (s.status === from || s.status === 'failed'),
    );
    return begin(deps, environment, operation.kind, principal, {
      targets: left.map((s) => s.name),
      attempt: operation.attempt + 1,
      retryOf: operation.id,
    });
  }
  return begin(deps, environment, operation.kind, principal, {
    targets,
    attempt: operation.attempt + 1,
    retryOf: operation.id,
  });
}
