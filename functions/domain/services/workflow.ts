/**
 * What each workflow step does (the Lambda adapters in `functions/steps` only parse
 * the payload and call these). Provision walks the layers upwards, destroy walks them
 * downwards; every write is conditional on the operation still owning the records.
 */
import { StaleOperationError } from '../errors.ts';
import { nowIso } from '../ids.ts';
import { baseUrlFor } from '../lifecycle.ts';
import type { EnvironmentRecord, OperationRecord, StackRecord } from '../model.ts';
import type { Claim, OperationStore } from '../ports.ts';
import type { EnvironmentStatusValue, StackStatusValue } from '../schemas.ts';
import { simulatedDurationSeconds, simulateStack } from '../simulation.ts';

/** Payload shapes; the same interfaces type the Lambda steps (see functions/steps/contracts.ts). */
export interface OperationRef {
  environment_id: string;
  operation_id: string;
}
export interface PlannedLayer {
  layer: number;
  stacks: string[];
}
export interface OperationPlan extends OperationRef {
  kind: 'provision' | 'destroy';
  layers: PlannedLayer[];
}
export interface LayerInput extends OperationRef {
  kind: 'provision' | 'destroy';
  layer: number;
  stacks: string[];
}
export interface StackInput extends OperationRef {
  kind: 'provision' | 'destroy';
  layer: number;
  stack: string;
}
export interface StackStarted extends StackInput {
  wait_seconds: number;
}
export interface FailureInput extends OperationRef {
  error?: { Error?: string; Cause?: string } | undefined;
}

export interface WorkflowSettings {
  /** Multiplies simulated durations (0 = no waits). */
  timeScale: number;
  baseDomain: string;
}

/**
 * Per walk: the environment status the operation holds (`active`), the stack statuses it
 * picks up (`from`; a stack left half-way by an earlier, settled operation is picked up
 * too), the status a stack moves through and the one it ends in.
 */
const WALK = {
  provision: {
    active: 'provisioning',
    from: ['pending', 'provisioning', 'failed', 'skipped'],
    during: 'provisioning',
    to: 'provisioned',
  },
  destroy: {
    active: 'destroying',
    from: ['pending', 'provisioning', 'provisioned', 'failed', 'skipped', 'stopped', 'destroying'],
    during: 'destroying',
    to: 'destroyed',
  },
} as const satisfies Record<
  'provision' | 'destroy',
  {
    active: EnvironmentStatusValue;
    from: readonly StackStatusValue[];
    during: StackStatusValue;
    to: StackStatusValue;
  }
>;

/** Statuses in which a stack has (simulated) resources that take time to delete. */
const HAS_RESOURCES: readonly StackStatusValue[] = [
  'provisioning',
  'provisioned',
  'failed',
  'stopped',
  'destroying',
];

function claimOf(ref: OperationRef, kind: 'provision' | 'destroy'): Claim {
  return { environmentId: ref.environment_id, operationId: ref.operation_id, active: WALK[kind].active };
}

async function loadOwned(
  store: OperationStore,
  ref: OperationRef,
): Promise<{ environment: EnvironmentRecord; operation: OperationRecord }> {
  const [environment, operation] = await Promise.all([
    store.getEnvironment(ref.environment_id),
    store.getOperation(ref.operation_id),
  ]);
  if (!environment || !operation || operation.environment_id !== environment.id) {
    throw new StaleOperationError(`Operation ${ref.operation_id} or its environment no longer exists`);
  }
  return { environment, operation };
}

function walkKind(operation: OperationRecord): 'provision' | 'destroy' {
  if (operation.kind === 'provision' || operation.kind === 'destroy') return operation.kind;
  throw new StaleOperationError(`Operation kind ${operation.kind} is not run by this workflow`);
}

/**
 * Groups the stacks to walk by layer: ascending for provision, descending for destroy.
 * A stack this same operation left in progress (an execution re-run after an
 * interruption) is walked again; one it already finished is not.
 */
export function planLayers(
  stacks: StackRecord[],
  kind: 'provision' | 'destroy',
  operationId: string,
): PlannedLayer[] {
  const walk = WALK[kind];
  const from: readonly StackStatusValue[] = walk.from;
  const byLayer = new Map<number, string[]>();
  for (const stack of stacks) {
    const resumed = stack.status === walk.during && stack.operation_id === operationId;
    if (!from.includes(stack.status) && !resumed) continue;
    byLayer.set(stack.layer, [...(byLayer.get(stack.layer) ?? []), stack.name]);
  }
  const order = [...byLayer.keys()].sort((a, b) => (kind === 'provision' ? a - b : b - a));
  return order.map((layer, index) => ({
    layer: index + 1,
    stacks: (byLayer.get(layer) ?? []).sort(),
  }));
}

export async function planOperation(store: OperationStore, ref: OperationRef): Promise<OperationPlan> {
  const { environment, operation } = await loadOwned(store, ref);
  if (environment.current_operation_id !== operation.id || operation.status !== 'running') {
    throw new StaleOperationError(`Operation ${operation.id} no longer owns environment ${environment.id}`);
  }
  const kind = walkKind(operation);
  if (environment.status !== WALK[kind].active) {
    throw new StaleOperationError(
      `Environment ${environment.id} is ${environment.status}, not ${WALK[kind].active}`,
    );
  }
  const all = await store.listStacks(environment.id);
  const layers = planLayers(all, kind, operation.id);
  const finished = all.filter((s) => s.status === WALK[kind].to && s.operation_id === operation.id).length;
  const stacks = layers.reduce((n, l) => n + l.stacks.length, finished);
  await store.startWalk(claimOf(ref, kind), layers.length, stacks);
  return { ...ref, kind, layers };
}

export async function startLayer(store: OperationStore, input: LayerInput): Promise<LayerInput> {
  await store.setLayer(claimOf(input, input.kind), input.layer);
  return input;
}

export async function startStack(
  store: OperationStore,
  settings: WorkflowSettings,
  input: StackInput,
): Promise<StackStarted> {
  const stack = await store.getStack(input.environment_id, input.stack);
  if (!stack) throw new StaleOperationError(`Stack ${input.stack} of ${input.environment_id} does not exist`);
  const walk = WALK[input.kind];
  // A stack that never got resources is deleted at once.
  const takesTime = input.kind === 'provision' || HAS_RESOURCES.includes(stack.status);
  await store.startStack(claimOf(input, input.kind), input.stack, [...walk.from], walk.during, nowIso());
  const seconds = takesTime
    ? simulatedDurationSeconds(input.stack, { environmentId: input.environment_id, attempt: 1 }, input.kind)
    : 0;
  return { ...input, wait_seconds: Math.round(seconds * settings.timeScale) };
}

export async function completeStack(store: OperationStore, input: StackStarted): Promise<StackInput> {
  const { wait_seconds: _, ...done } = input;
  const at = nowIso();
  if (input.kind === 'destroy') {
    await store.completeStack(claimOf(input, 'destroy'), input.stack, 'destroying', {
      status: 'destroyed',
      at,
    });
    return done;
  }
  const environment = await store.getEnvironment(input.environment_id);
  const stack = await store.getStack(input.environment_id, input.stack);
  if (!environment || !stack) {
    throw new StaleOperationError(`Stack ${input.stack} of ${input.environment_id} does not exist`);
  }
  // Dependants consume their dependencies' outputs (e.g. database-rds uses network's subnets).
  const dependencies = await Promise.all(
    stack.depends_on.map((name) => store.getStack(input.environment_id, name)),
  );
  const dependencyOutputs: Record<string, Record<string, unknown>> = {};
  for (const dependency of dependencies) {
    if (dependency?.status !== 'provisioned') {
      throw new StaleOperationError(`A dependency of ${input.stack} is not provisioned`);
    }
    dependencyOutputs[dependency.name] = dependency.outputs;
  }
  const simulated = simulateStack(
    input.stack,
    {
      environmentId: environment.id,
      environmentName: environment.name,
      region: environment.region,
      accountId: environment.account_id,
      parameters: environment.parameters,
      attempt: 1,
    },
    dependencyOutputs,
  );
  await store.completeStack(claimOf(input, 'provision'), input.stack, 'provisioning', {
    status: 'provisioned',
    resources: simulated.resources,
    outputs: simulated.outputs,
    estimated_monthly_cost_usd: simulated.monthlyCostUsd,
    at,
  });
  return done;
}

export async function finalizeOperation(
  store: OperationStore,
  settings: WorkflowSettings,
  plan: OperationPlan,
): Promise<{ environment_id: string; operation_id: string; status: string }> {
  const { environment, operation } = await loadOwned(store, plan);
  const walk = WALK[plan.kind];
  if (
    environment.current_operation_id !== operation.id ||
    operation.status !== 'running' ||
    environment.status !== walk.active
  ) {
    throw new StaleOperationError(`Operation ${operation.id} no longer owns environment ${environment.id}`);
  }
  // Never report success over a stack that did not get there.
  const stacks = await store.listStacks(environment.id);
  const unfinished = stacks.filter((s) => s.status !== walk.to).map((s) => s.name);
  if (unfinished.length > 0) {
    throw new StaleOperationError(`Stacks not ${walk.to}: ${unfinished.sort().join(', ')}`);
  }
  const at = nowIso();
  if (plan.kind === 'provision') {
    const cost = stacks.reduce((sum, s) => sum + s.estimated_monthly_cost_usd, 0);
    await store.finish(environment, operation, {
      operationStatus: 'succeeded',
      environmentStatus: 'running',
      error: null,
      baseUrl: baseUrlFor(environment, settings.baseDomain),
      estimatedMonthlyCostUsd: Math.round(cost * 100) / 100,
      releaseName: false,
      at,
    });
    return { ...plan, status: 'running' };
  }
  await store.finish(environment, operation, {
    operationStatus: 'succeeded',
    environmentStatus: 'destroyed',
    error: null,
    baseUrl: null,
    estimatedMonthlyCostUsd: 0,
    releaseName: true,
    at,
  });
  return { environment_id: plan.environment_id, operation_id: plan.operation_id, status: 'destroyed' };
}

/** Errors whose message is written for users; anything else is reported generically. */
const USER_FACING_ERRORS = new Set(['StaleOperationError', 'StackFailedError']);

/** The reason shown on the environment and operation, without internals. */
export function failureReason(error: FailureInput['error']): string {
  const type = error?.Error ?? 'Error';
  if (USER_FACING_ERRORS.has(type) && error?.Cause) {
    try {
      const cause = JSON.parse(error.Cause) as { errorMessage?: unknown };
      if (typeof cause.errorMessage === 'string') return cause.errorMessage.slice(0, 500);
    } catch {
      return error.Cause.slice(0, 500);
    }
  }
  if (type === 'States.Timeout') return 'The operation timed out';
  return 'The operation failed because of an internal error';
}

export async function failOperation(store: OperationStore, input: FailureInput): Promise<{ status: string }> {
  const environment = await store.getEnvironment(input.environment_id);
  const operation = await store.getOperation(input.operation_id);
  if (!environment || !operation || operation.status !== 'running') return { status: 'already-settled' };
  const owns = environment.current_operation_id === operation.id;
  await store.finish(environment, operation, {
    operationStatus: 'failed',
    // Only the operation that owns the environment may settle it.
    environmentStatus: owns ? 'failed' : environment.status,
    error: failureReason(input.error),
    releaseName: false,
    at: nowIso(),
  });
  return { status: 'failed' };
}
