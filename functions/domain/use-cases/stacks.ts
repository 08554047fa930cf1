/**
 * Stack-level control (issue 5): a stack's full state as an export document, stable
 * enough to diff between two exports (keys in a fixed order, resources by logical id,
 * nothing that changes on its own such as the time of the export); redeploying or
 * deleting one stack as an operation.
 */
import type { Principal } from '../access.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { dependantsOf } from '../graph.ts';
import type { StackRecord } from '../model.ts';
import { getTemplate, stackInputs } from '../templates.ts';
import {
  type AcceptedChange,
  type EnvironmentDeps,
  getModifiableEnvironment,
  getStack,
  getVisibleEnvironment,
} from './environments.ts';
import { assertStatus, begin } from './operations.ts';

/** Bumped when the document's shape changes incompatibly. */
export const EXPORT_SCHEMA_VERSION = 1;

/** A copy of a JSON value with every object's keys sorted (canonical order, for diffs). */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export async function exportStack(
  deps: Pick<EnvironmentDeps, 'environments' | 'stacks'>,
  principal: Principal,
  environmentId: string,
  name: string,
) {
  const environment = await getVisibleEnvironment(deps, principal, environmentId);
  const stack = await getStack(deps, principal, environmentId, name);
  const template = getTemplate(environment.template);
  // What it was provisioned with; for a stack provisioned before inputs were recorded, the current values.
  const inputs = stack.inputs ?? stackInputs(stack.name, environment.parameters);
  return {
    schema_version: EXPORT_SCHEMA_VERSION,
    environment_id: environment.id,
    stack: stack.name,
    template: environment.template,
    layer: stack.layer,
    depends_on: [...stack.depends_on].sort(),
    dependants: template ? dependantsOf(template.graph, stack.name) : [],
    status: stack.status,
    inputs: canonical(inputs) as Record<string, unknown>,
    resources: [...stack.resources]
      .sort((a, b) => a.logical_id.localeCompare(b.logical_id))
      .map((r) => canonical(r) as Record<string, unknown>),
    outputs: canonical(stack.outputs) as Record<string, unknown>,
    estimated_monthly_cost_usd: stack.estimated_monthly_cost_usd,
    last_operation_id: stack.operation_id,
    started_at: stack.started_at,
    finished_at: stack.finished_at,
    drifted: stack.drifted ?? false,
    drift_checked_at: stack.drift?.checked_at ?? null,
  };
}

/** Stacks that still hold something a dependency deletion would break. */
const LIVE_STACK_STATUSES = ['provisioning', 'provisioned', 'stopped', 'failed', 'destroying'];

/**
 * POST …/stacks/{stack}/deploy: re-provisions one stack of a running environment (an
 * `update` operation targeting it), once its dependencies are provisioned; with
 * `includeDependants`, also every stack that depends on it (one deleted earlier comes back)
 * whose other dependencies are provisioned.
 */
export async function deployStack(
  deps: EnvironmentDeps,
  principal: Principal,
  environmentId: string,
  name: string,
  options: { includeDependants: boolean },
): Promise<AcceptedChange> {
  const current = await getModifiableEnvironment(deps, principal, environmentId);
  const stacks = await deps.stacks.list(environmentId);
  const stack = stacks.find((s) => s.name === name);
  if (!stack) throw new NotFoundError('Stack', `${environmentId}/${name}`);
  assertStatus(current, ['running'], 'deploy a stack of');
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const missing = stack.depends_on.filter((d) => byName.get(d)?.status !== 'provisioned');
  if (missing.length > 0) {
    throw new ConflictError(
      `Stack ${name} depends on ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not provisioned`,
      'DEPENDENCIES_NOT_PROVISIONED',
      { missing },
    );
  }
  const template = getTemplate(current.template);
  const targets = [name];
  if (options.includeDependants && template) {
    // In layer order, each dependant whose dependencies will all be provisioned: one that
    // also needs a stack deleted elsewhere would only be skipped (and fail the operation).
    const candidates = dependantsOf(template.graph, name)
      .map((d) => byName.get(d))
      .filter((d): d is StackRecord => d !== undefined)
      .sort((a, b) => a.layer - b.layer || a.name.localeCompare(b.name));
    for (const dependant of candidates) {
      const ready = dependant.depends_on.every(
        (d) => targets.includes(d) || byName.get(d)?.status === 'provisioned',
      );
      if (ready) targets.push(dependant.name);
    }
  }
  return begin(deps, current, 'update', principal, { targets });
}

/**
 * DELETE …/stacks/{stack}: destroys one stack of a running environment (a `delete_stacks`
 * operation, walking downwards). Refused while stacks that depend on it still exist,
 * unless `cascade`, which deletes those dependants first.
 */
export async function deleteStack(
  deps: EnvironmentDeps,
  principal: Principal,
  environmentId: string,
  name: string,
  options: { cascade: boolean },
): Promise<AcceptedChange> {
  const current = await getModifiableEnvironment(deps, principal, environmentId);
  const stacks = await deps.stacks.list(environmentId);
  const stack = stacks.find((s) => s.name === name);
  if (!stack) throw new NotFoundError('Stack', `${environmentId}/${name}`);
  assertStatus(current, ['running'], 'delete a stack of');
  if (stack.status === 'destroyed' || stack.status === 'pending' || stack.status === 'not_started') {
    throw new ConflictError(`Stack ${name} is ${stack.status}: there is nothing to delete`, 'ILLEGAL_STATE', {
      status: stack.status,
    });
  }
  const template = getTemplate(current.template);
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const live = (template ? dependantsOf(template.graph, name) : []).filter((d) =>
    LIVE_STACK_STATUSES.includes(byName.get(d)?.status ?? 'destroyed'),
  );
  if (live.length > 0 && !options.cascade) {
    throw new ConflictError(
      `Stack ${name} is still needed by ${live.join(', ')}: delete those first, or pass cascade=true`,
      'STACK_HAS_DEPENDANTS',
      { dependants: live },
    );
  }
  return begin(deps, current, 'delete_stacks', principal, { targets: [name, ...live] });
}
