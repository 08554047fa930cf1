/**
 * Dry runs: the plan of a create, an update or a delete, checked like the real request
 * (same validation, same 404/403/409/412/422) and computed with the same rules, without
 * writing anything.
 */

import type { Principal } from '../access.ts';
import { ConflictError, duplicateName, ValidationError } from '../errors.ts';
import { dependenciesOf } from '../graph.ts';
import { nowIso } from '../ids.ts';
import type { CreateEnvironmentInput, UpdateEnvironmentInput } from '../inputs.ts';
import { assertSettled, newOperation } from '../lifecycle.ts';
import type { EnvironmentRecord, StackRecord } from '../model.ts';
import { type ResolvedParameters, resolveParameters } from '../parameters.ts';
import {
  costOfStacks,
  criticalPath,
  definedResources,
  layeredDuration,
  type PlanLayerView,
  type PlannedStackView,
  type PlanView,
  roundUsd,
  stackSeconds,
} from '../plan-rules.ts';
import { estimateStackMonthlyCost, getTemplate } from '../templates.ts';
import { QUOTA_LIMITS } from '../validation/validate-aws.ts';
import { HAS_RESOURCES, planLayers } from '../workflow/planning.ts';
import { type EnvironmentDeps, getModifiableEnvironment, resolveTtl } from './environments.ts';
import { affectedStacks, assertStatus, mergeParameters, newExpiry, withoutDeleted } from './operations.ts';
import { assertVersionMatches, getModifiableProject } from './projects.ts';

function summarize(
  base: Pick<PlanView, 'action' | 'environment_id' | 'template'>,
  layers: PlanLayerView[],
  graph: Record<string, readonly string[]>,
  cost: { after: number; delta: number },
  extra: Partial<Pick<PlanView, 'quota' | 'note'>> = {},
): PlanView {
  const all = layers.flatMap((l) => l.stacks);
  const seconds = new Map(all.map((s) => [s.name, s.estimated_seconds]));
  return {
    ...base,
    dry_run: true,
    layers,
    stack_count: all.length,
    estimated_monthly_cost_usd: roundUsd(cost.after),
    cost_delta_usd: roundUsd(cost.delta),
    expected_duration_seconds: layeredDuration(layers),
    critical_path: criticalPath(
      all.map((s) => s.name),
      graph,
      (name) => seconds.get(name) ?? 0,
    ),
    quota: extra.quota ?? [],
    note: extra.note ?? null,
  };
}

export async function planCreate(
  deps: Pick<EnvironmentDeps, 'projects' | 'environments' | 'quotas' | 'settings'>,
  principal: Principal,
  projectId: string,
  input: CreateEnvironmentInput,
): Promise<PlanView> {
  const { settings } = deps;
  const project = await getModifiableProject(deps, principal, projectId);
  const template = getTemplate(input.template);
  if (!template) {
    throw new ValidationError([{ field: 'template', message: `unknown template '${input.template}'` }]);
  }
  resolveTtl(input, settings);
  if (await deps.environments.nameTaken(project.id, input.name)) {
    throw new ConflictError(...duplicateName(project.id, input.name));
  }
  const parameters = resolveParameters(input.parameters, {
    environmentName: input.name,
    projectName: project.name,
  });
  const layers: PlanLayerView[] = template.layers.map((names, i) => ({
    position: i + 1,
    stacks: [...names].sort().map(
      (name): PlannedStackView => ({
        name,
        layer: i + 1,
        depends_on: [...(template.graph[name] ?? [])],
        change: 'create',
        reason: null,
        changed_parameters: [],
        resources: definedResources(name),
        estimated_monthly_cost_usd: estimateStackMonthlyCost(name, parameters),
        estimated_seconds: stackSeconds(name, 'provision', null),
      }),
    ),
  }));
  const quota = [];
  if (template.stacks.some((s) => s.name === 'network')) {
    const accountId = input.account_id ?? settings.defaultAccountId;
    const region = input.region ?? settings.defaultRegion;
    const usage = await deps.quotas.vpcUsage(accountId, region);
    quota.push({
      name: 'quota:vpcs',
      limit: QUOTA_LIMITS.vpcs,
      usage,
      required: 1,
      ok: usage + 1 <= QUOTA_LIMITS.vpcs,
    });
  }
  const after = costOfStacks(
    template.stacks.map((s) => s.name),
    parameters,
  );
  return summarize(
    { action: 'create', environment_id: null, template: template.name },
    layers,
    template.graph,
    { after, delta: after },
    { quota },
  );
}

function plannedFromRecords(
  stacks: StackRecord[],
  layers: { layer: number; stacks: string[] }[],
  describe: (stack: StackRecord) => Omit<PlannedStackView, 'name' | 'layer' | 'depends_on'>,
): PlanLayerView[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  return layers.map((layer) => ({
    position: layer.layer,
    stacks: layer.stacks.flatMap((name) => {
      const stack = byName.get(name);
      return stack ? [{ name, layer: stack.layer, depends_on: stack.depends_on, ...describe(stack) }] : [];
    }),
  }));
}

export async function planUpdate(
  deps: EnvironmentDeps,
  principal: Principal,
  environmentId: string,
  input: UpdateEnvironmentInput,
  ifMatch: number | undefined,
  now: Date = new Date(),
): Promise<PlanView> {
  const current = await getModifiableEnvironment(deps, principal, environmentId);
  assertVersionMatches(ifMatch, current);
  return planParameters(deps, current, mergeParameters(current.parameters, input.parameters), () =>
    newExpiry(current, input, deps.settings.maxTtlHours, now),
  );
}

/** The plan of new parameters for an existing environment (PATCH and PUT /manifest). */
export async function planParameters(
  deps: Pick<EnvironmentDeps, 'stacks'>,
  current: EnvironmentRecord,
  parameters: ResolvedParameters,
  validateOthers: () => unknown = () => undefined,
): Promise<PlanView> {
  const template = getTemplate(current.template);
  if (!template) throw new ConflictError(`Template ${current.template} no longer exists`, 'ILLEGAL_STATE');
  validateOthers();
  const stacks = await deps.stacks.list(current.id);
  const affected = affectedStacks(template, current.parameters, parameters);
  const { changed } = affected;
  const targets = withoutDeleted(affected.targets, stacks);
  const base = { action: 'update' as const, environment_id: current.id, template: template.name };
  if (targets.length === 0) {
    assertStatus(current, ['running', 'stopped', 'failed'], 'update');
    return summarize(
      base,
      [],
      template.graph,
      { after: current.estimated_monthly_cost_usd, delta: 0 },
      {
        note: 'No stack input changes: the settings apply at once, without an operation',
      },
    );
  }
  assertStatus(current, ['running'], 'update');
  // Like the real request: no operation under a deployment that is rolling out.
  assertSettled(current);
  const draft = newOperation(current.id, 'update', 'plan', 0, 0, nowIso(), { targets });
  const changedNames = Object.keys(changed);
  const layers = plannedFromRecords(stacks, planLayers(stacks, draft), (stack) => {
    const own = changed[stack.name] ?? [];
    const upstream = dependenciesOf(template.graph, stack.name).filter((d) => changedNames.includes(d));
    return {
      change: 'replace',
      reason:
        own.length > 0
          ? `inputs changed: ${own.join(', ')}`
          : `depends on ${upstream.join(', ')}, which is re-provisioned`,
      changed_parameters: own,
      resources: definedResources(stack.name),
      estimated_monthly_cost_usd: estimateStackMonthlyCost(stack.name, parameters),
      estimated_seconds: stackSeconds(stack.name, 'provision', { id: current.id, attempt: 1 }),
    };
  });
  const planned = layers.flatMap((l) => l.stacks.map((s) => s.name));
  const delta = costOfStacks(planned, parameters) - costOfStacks(planned, current.parameters);
  return summarize(base, layers, template.graph, {
    after: current.estimated_monthly_cost_usd + delta,
    delta,
  });
}

export async function planDelete(
  deps: Pick<EnvironmentDeps, 'environments' | 'stacks'>,
  principal: Principal,
  environmentId: string,
): Promise<PlanView> {
  const current = await getModifiableEnvironment(deps, principal, environmentId);
  if (current.status === 'destroyed') {
    throw new ConflictError(`Environment ${environmentId} is already destroyed`, 'ILLEGAL_STATE', {
      status: current.status,
    });
  }
  assertSettled(current);
  const template = getTemplate(current.template);
  const stacks = await deps.stacks.list(current.id);
  const draft = newOperation(current.id, 'destroy', 'plan', 0, 0, nowIso());
  const layers = plannedFromRecords(stacks, planLayers(stacks, draft), (stack) => ({
    change: 'delete',
    reason: null,
    changed_parameters: [],
    resources: stack.resources.map((r) => ({ logical_id: r.logical_id, type: r.type, id: r.id })),
    estimated_monthly_cost_usd: stack.status === 'stopped' ? 0 : stack.estimated_monthly_cost_usd,
    // As the walk times it: a stack that never got resources is deleted at once.
    estimated_seconds: HAS_RESOURCES.includes(stack.status)
      ? stackSeconds(stack.name, 'destroy', { id: current.id, attempt: 1 })
      : 0,
  }));
  return summarize(
    { action: 'delete', environment_id: current.id, template: current.template },
    layers,
    // Downwards: a stack waits for its dependants, so the chain follows the reversed edges.
    reverseGraph(template?.graph ?? {}),
    { after: 0, delta: -current.estimated_monthly_cost_usd },
  );
}

function reverseGraph(graph: Record<string, readonly string[]>): Record<string, string[]> {
  const reversed: Record<string, string[]> = {};
  for (const [stack, dependencies] of Object.entries(graph)) {
    reversed[stack] ??= [];
    for (const d of dependencies) reversed[d] = [...(reversed[d] ?? []), stack];
  }
  return reversed;
}
