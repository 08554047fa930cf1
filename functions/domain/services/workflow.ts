/**
 * What each workflow step does (the Lambda adapters in `functions/steps` only parse the
 * payload and call these). An operation walks its stacks layer by layer: upwards for
 * provision, update and start; downwards for destroy and stop. A stack that fails is
 * recorded and its siblings finish; when the walk has settled, the operation's policy
 * decides (DESIGN.md §5): a failed or cancelled provision rolls back what it created
 * (`on_failure: rollback`) or keeps it (`keep`, dependants skipped); a destroy keeps
 * going and reports what it could not delete.
 *
 * Every write is conditional on the operation still holding the environment (its claim)
 * and on the expected stack status, so a stale or repeated step never moves a record
 * backwards.
 */
import { StaleOperationError } from '../errors.ts';
import { operationEndedEvents } from '../events.ts';
import { throwSimulatedFailure } from '../failures.ts';
import { nowIso } from '../ids.ts';
import { ACTIVE_STATUS, baseUrlFor, COMPUTE_STACKS } from '../lifecycle.ts';
import {
  logEvent,
  operationLogs,
  stackDestroyedLogs,
  stackFailedLogs,
  stackProvisionedLogs,
  stackSkippedLogs,
  stackStartedLogs,
} from '../logs.ts';
import type { EnvironmentRecord, LogRecord, OperationRecord, StackRecord } from '../model.ts';
import type { Claim, EventPublisher, LogStore, OperationOutcome, OperationStore } from '../ports.ts';
import type { OperationKindValue, StackStatusValue } from '../schemas.ts';
import { simulatedDurationSeconds, simulateStack } from '../simulation.ts';
import { stackInputs } from '../templates.ts';

// ---------------------------------------------------------------- payloads

/** What the API passes to StartExecution. */
export interface OperationRef {
  environment_id: string;
  operation_id: string;
}
export interface PlannedLayer {
  /** 1-based position in the walk (for a downward walk, 1 is the deepest layer). */
  layer: number;
  stacks: string[];
}
/** Output of `plan-operation`. */
export interface OperationPlan extends OperationRef {
  kind: OperationKindValue;
  layers: PlannedLayer[];
}
/** `walk` is the operation itself; `rollback` undoes what a failed provision created. */
export type Phase = 'walk' | 'rollback';
/** Input and output of `start-layer` (its output keeps only the stacks that may run). */
export interface LayerInput extends OperationRef {
  kind: OperationKindValue;
  phase: Phase;
  layer: number;
  stacks: string[];
  /** In a rollback: the stacks whose creation failed (they have nothing to delete). */
  failed_stacks?: string[];
}
/** Input of `start-stack`. */
export interface StackInput extends OperationRef {
  kind: OperationKindValue;
  phase: Phase;
  layer: number;
  stack: string;
}
/** Output of `start-stack`: the Wait state sleeps `wait_seconds`, then `complete-stack` runs. */
export interface StackStarted extends StackInput {
  wait_seconds: number;
}
/** Input of `fail-stack`: the stack's payload plus the error the state machine caught. */
export interface StackFailureInput extends StackInput {
  wait_seconds?: number;
  error?: { Error?: string; Cause?: string } | undefined;
}
/** Output of `settle-operation`, input of the rollback and of `finalize-operation`. */
export interface Settlement extends OperationRef {
  kind: OperationKindValue;
  status: 'succeeded' | 'failed' | 'cancelled';
  error: string | null;
  /** The stacks that failed in the walk (before any rollback). */
  failed_stacks: string[];
  needs_rollback: boolean;
  rollback_layers: PlannedLayer[];
}
/** Input of `fail-operation` (the catch-all): whatever the failing state had, plus the error. */
export interface FailureInput extends OperationRef {
  error?: { Error?: string; Cause?: string } | undefined;
}

/** What the steps need: the records, and the log they write as they go. */
export interface WorkflowDeps {
  store: OperationStore;
  logs: LogStore;
  events: EventPublisher;
}

/**
 * Writes log events without ever failing the step: a lost log line must not fail or
 * repeat a provisioning step (the store reports its own errors).
 */
async function log(deps: WorkflowDeps, events: LogRecord[]): Promise<void> {
  try {
    await deps.logs.append(events);
  } catch {
    // Best effort by design; see above.
  }
}

export interface WorkflowSettings {
  /** Multiplies simulated durations (0 = no waits). */
  timeScale: number;
  baseDomain: string;
}

// ---------------------------------------------------------------- rules

export type StackAction = 'provision' | 'destroy' | 'stop' | 'start';

/**
 * Per stack action: the statuses a stack is picked up from (a stack left half-way by an
 * earlier, settled operation included), the status it holds while the action runs, and
 * the one it ends in.
 */
const ACTIONS = {
  provision: {
    from: ['pending', 'provisioning', 'failed', 'skipped', 'destroyed'],
    during: 'provisioning',
    to: 'provisioned',
  },
  destroy: {
    from: ['pending', 'provisioning', 'provisioned', 'failed', 'skipped', 'stopped', 'destroying'],
    during: 'destroying',
    to: 'destroyed',
  },
  stop: { from: ['provisioned', 'failed'], during: 'provisioned', to: 'stopped' },
  start: { from: ['stopped', 'failed'], during: 'stopped', to: 'provisioned' },
} as const satisfies Record<
  StackAction,
  { from: readonly StackStatusValue[]; during: StackStatusValue; to: StackStatusValue }
>;

/** Statuses in which a stack has (simulated) resources that take time to delete. */
export const HAS_RESOURCES: readonly StackStatusValue[] = [
  'provisioning',
  'provisioned',
  'failed',
  'stopped',
  'destroying',
];

/** Stopping or starting a stack takes this fraction of its provisioning time. */
const STOP_START_FRACTION = 0.25;

export function actionOf(kind: OperationKindValue, phase: Phase): StackAction {
  if (phase === 'rollback') return 'destroy';
  switch (kind) {
    case 'provision':
    case 'update':
      return 'provision';
    case 'destroy':
    case 'stop':
    case 'start':
      return kind;
    case 'delete_stacks':
      return 'destroy';
  }
}

/** Statuses a stack may be picked up from by this kind of operation. */
function fromStatuses(kind: OperationKindValue, phase: Phase): readonly StackStatusValue[] {
  const action = actionOf(kind, phase);
  // An update re-provisions stacks that are already provisioned.
  if (kind === 'update' && phase === 'walk') return [...ACTIONS.provision.from, 'provisioned'];
  if (phase === 'rollback') return ['provisioned', 'provisioning'];
  return ACTIONS[action].from;
}

const walksDownwards = (kind: OperationKindValue) =>
  kind === 'destroy' || kind === 'stop' || kind === 'delete_stacks';

/** The stacks an operation is about: its targets, the compute stacks for stop/start, or all. */
export function inScope(operation: OperationRecord, stack: StackRecord): boolean {
  if (operation.targets) return operation.targets.includes(stack.name);
  if (operation.kind === 'stop' || operation.kind === 'start') return COMPUTE_STACKS.includes(stack.name);
  return true;
}

function claimOf(ref: OperationRef, kind: OperationKindValue): Claim {
  return { environmentId: ref.environment_id, operationId: ref.operation_id, active: ACTIVE_STATUS[kind] };
}

function groupByLayer(stacks: StackRecord[], downwards: boolean): PlannedLayer[] {
  const byLayer = new Map<number, string[]>();
  for (const stack of stacks) byLayer.set(stack.layer, [...(byLayer.get(stack.layer) ?? []), stack.name]);
  const order = [...byLayer.keys()].sort((a, b) => (downwards ? b - a : a - b));
  return order.map((layer, index) => ({ layer: index + 1, stacks: (byLayer.get(layer) ?? []).sort() }));
}

/**
 * The stacks an operation walks, grouped by layer in walk order. A stack this same
 * operation left in progress (an execution re-run after an interruption) is walked
 * again; one it already finished is not.
 */
export function planLayers(stacks: StackRecord[], operation: OperationRecord): PlannedLayer[] {
  const from = fromStatuses(operation.kind, 'walk');
  const action = ACTIONS[actionOf(operation.kind, 'walk')];
  const eligible = stacks.filter((stack) => {
    if (!inScope(operation, stack)) return false;
    const finishedByThisOperation = stack.status === action.to && stack.operation_id === operation.id;
    const resumed = stack.status === action.during && stack.operation_id === operation.id;
    return !finishedByThisOperation && (from.includes(stack.status) || resumed);
  });
  return groupByLayer(eligible, walksDownwards(operation.kind));
}

// ---------------------------------------------------------------- steps

async function loadRunning(
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
  if (
    environment.current_operation_id !== operation.id ||
    operation.status !== 'running' ||
    environment.status !== ACTIVE_STATUS[operation.kind]
  ) {
    throw new StaleOperationError(`Operation ${operation.id} no longer holds environment ${environment.id}`);
  }
  return { environment, operation };
}

export async function planOperation(deps: WorkflowDeps, ref: OperationRef): Promise<OperationPlan> {
  const { store } = deps;
  const { environment, operation } = await loadRunning(store, ref);
  const all = await store.listStacks(environment.id);
  const layers = planLayers(all, operation);
  const to = ACTIONS[actionOf(operation.kind, 'walk')].to;
  const finished = all.filter((s) => s.status === to && s.operation_id === operation.id).length;
  const stacks = layers.reduce((n, l) => n + l.stacks.length, finished);
  await store.startWalk(claimOf(ref, operation.kind), layers.length, stacks);
  const detail = operation.retry_of
    ? `retry of ${operation.retry_of} (attempt ${operation.attempt})`
    : undefined;
  await log(deps, operationLogs(environment.id, operation.id, operation.kind, 'started', nowIso(), detail));
  return { ...ref, kind: operation.kind, layers };
}

/**
 * Decides which of a layer's stacks may run. Nothing new starts once a cancel was asked
 * for, or once a provision with `on_failure: rollback` has a failed stack. A stack whose
 * dependency did not get provisioned is skipped (an update leaves such a stack as it was,
 * on its old inputs, for a retry to pick up); a stack still needed by a dependant that
 * could not be deleted is kept (deleting it would fail in AWS too), in a rollback as well.
 */
export async function startLayer(deps: WorkflowDeps, input: LayerInput): Promise<LayerInput> {
  const { store } = deps;
  const { environment, operation } = await loadRunning(store, input);
  const stacks = await store.listStacks(environment.id);
  if (input.phase === 'walk') {
    if (operation.cancel_requested) return { ...input, stacks: [] };
    const failed = stacks.some((s) => s.status === 'failed' && s.operation_id === operation.id);
    if (operation.kind === 'provision' && failed && environment.on_failure === 'rollback') {
      return { ...input, stacks: [] };
    }
  }
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const action = actionOf(operation.kind, input.phase);
  // In a rollback, the stacks that failed to create have nothing to delete: they hold nothing.
  const failedToCreate = new Set(input.failed_stacks ?? []);
  const runnable: string[] = [];
  const skipped: { stack: string; reason: string }[] = [];
  const notes: LogRecord[] = [];
  const note = (stack: string, message: string) =>
    notes.push(logEvent(environment.id, operation.id, stack, 'WARN', message, nowIso()));
  for (const name of input.stacks) {
    const stack = byName.get(name);
    if (!stack) continue;
    if (action === 'provision') {
      const missing = stack.depends_on.filter((d) => byName.get(d)?.status !== 'provisioned');
      if (missing.length > 0) {
        const reason = `depends on ${missing.join(', ')}, which did not provision`;
        if (stack.status === 'provisioned')
          note(name, `Not updated: ${reason}; it keeps its previous inputs`);
        else skipped.push({ stack: name, reason: `Skipped: ${reason}` });
        continue;
      }
    }
    if (action === 'destroy') {
      const holding = stacks.filter(
        (s) =>
          s.depends_on.includes(name) &&
          (s.status === 'provisioned' || (s.status === 'failed' && !failedToCreate.has(s.name))),
      );
      if (holding.length > 0) {
        note(name, `Kept stack ${name}: still needed by ${holding.map((s) => s.name).join(', ')}`);
        continue;
      }
    }
    runnable.push(name);
  }
  const claim = claimOf(input, operation.kind);
  if (skipped.length > 0) await store.skipStacks(claim, skipped, nowIso());
  if (input.phase === 'walk') await store.setLayer(claim, input.layer);
  await log(deps, [
    ...skipped.flatMap((s) => stackSkippedLogs(environment.id, operation.id, s.stack, s.reason, nowIso())),
    ...notes,
  ]);
  return { ...input, stacks: runnable };
}

export async function startStack(
  deps: WorkflowDeps,
  settings: WorkflowSettings,
  input: StackInput,
): Promise<StackStarted> {
  const { store } = deps;
  const stack = await store.getStack(input.environment_id, input.stack);
  if (!stack) throw new StaleOperationError(`Stack ${input.stack} of ${input.environment_id} does not exist`);
  const action = actionOf(input.kind, input.phase);
  // A stack that never got resources is deleted at once.
  const takesTime = action !== 'destroy' || HAS_RESOURCES.includes(stack.status);
  await store.startStack(
    claimOf(input, input.kind),
    input.stack,
    [...fromStatuses(input.kind, input.phase)],
    ACTIONS[action].during,
    nowIso(),
  );
  const verb = input.kind === 'update' && input.phase === 'walk' ? 'update' : action;
  await log(deps, stackStartedLogs(input.environment_id, input.operation_id, input.stack, verb, nowIso()));
  let seconds = 0;
  if (takesTime) {
    const timing = { environmentId: input.environment_id, attempt: 1 };
    seconds =
      action === 'destroy'
        ? simulatedDurationSeconds(input.stack, timing, 'destroy')
        : simulatedDurationSeconds(input.stack, timing, 'provision') *
          (action === 'provision' ? 1 : STOP_START_FRACTION);
  }
  return { ...input, wait_seconds: Math.round(seconds * settings.timeScale) };
}

export async function completeStack(deps: WorkflowDeps, input: StackStarted): Promise<StackInput> {
  const { store } = deps;
  const { wait_seconds: _, ...done } = input;
  const claim = claimOf(input, input.kind);
  const action = actionOf(input.kind, input.phase);
  const [environment, operation, stack] = await Promise.all([
    store.getEnvironment(input.environment_id),
    store.getOperation(input.operation_id),
    store.getStack(input.environment_id, input.stack),
  ]);
  if (!environment || !operation || !stack) {
    throw new StaleOperationError(`Stack ${input.stack} of ${input.environment_id} does not exist`);
  }
  // A retry of this step after its write landed: the stack is done, nothing to draw again.
  if (stack.status === ACTIONS[action].to && stack.operation_id === operation.id) return done;
  if (action === 'provision' || (action === 'destroy' && input.phase === 'walk')) {
    throwSimulatedFailure({
      environmentId: environment.id,
      stack: input.stack,
      action,
      kind: operation.kind,
      attempt: operation.attempt,
      tryNumber: await store.countTry(claim, input.stack),
      simulate: environment.parameters.simulate,
    });
  }
  const at = nowIso();
  const spec = ACTIONS[action];
  if (action !== 'provision') {
    await store.completeStack(claim, input.stack, spec.during, { status: spec.to, at });
    await log(
      deps,
      action === 'destroy'
        ? stackDestroyedLogs(environment.id, operation.id, input.stack, stack.resources, at)
        : [
            logEvent(
              environment.id,
              operation.id,
              input.stack,
              'INFO',
              `${action === 'stop' ? 'Stopped' : 'Started'} stack ${input.stack}`,
              at,
            ),
          ],
    );
    return done;
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
      attempt: operation.attempt,
    },
    dependencyOutputs,
  );
  await store.completeStack(claim, input.stack, spec.during, {
    status: spec.to,
    resources: simulated.resources,
    outputs: simulated.outputs,
    estimated_monthly_cost_usd: simulated.monthlyCostUsd,
    inputs: stackInputs(input.stack, environment.parameters),
    at,
  });
  await log(deps, stackProvisionedLogs(environment.id, operation.id, input.stack, simulated.resources, at));
  return done;
}

/** Errors whose message is written for users; anything else is reported generically. */
const USER_FACING_ERRORS = new Set([
  'StaleOperationError',
  'StackFailedError',
  'TransientStackError',
  'HealthCheckFailedError',
]);

/** The reason shown on a stack, operation or environment, without internals. */
export function failureReason(error: FailureInput['error']): string {
  const type = error?.Error ?? 'Error';
  if (USER_FACING_ERRORS.has(type) && error?.Cause) {
    let message = error.Cause;
    try {
      const cause = JSON.parse(error.Cause) as { errorMessage?: unknown };
      if (typeof cause.errorMessage === 'string') message = cause.errorMessage;
    } catch {
      // A plain-text cause is the message itself.
    }
    const suffix = type === 'TransientStackError' ? ' (still failing after retries)' : '';
    return `${message.slice(0, 480)}${suffix}`;
  }
  if (type === 'States.Timeout' || type === 'Sandbox.Timedout') return 'The step timed out';
  return 'The operation failed because of an internal error';
}

/** Records a stack whose step failed, so its siblings can finish and the policy can apply. */
export async function failStack(deps: WorkflowDeps, input: StackFailureInput): Promise<StackInput> {
  const { store } = deps;
  const { wait_seconds: _, error, ...stackInput } = input;
  const action = actionOf(input.kind, input.phase);
  const current = await store.getStack(input.environment_id, input.stack);
  // The stack finished after all (a retried step whose first write had landed): not a failure.
  if (current?.status === ACTIONS[action].to && current.operation_id === input.operation_id)
    return stackInput;
  const reason = failureReason(error);
  const at = nowIso();
  await store.failStack(claimOf(input, input.kind), input.stack, ACTIONS[action].during, reason, at);
  await log(deps, stackFailedLogs(input.environment_id, input.operation_id, input.stack, reason, at));
  return stackInput;
}

function describeFailures(stacks: StackRecord[]): string {
  return stacks.map((s) => `${s.name} (${s.error ?? 'failed'})`).join('; ');
}

/**
 * After the walk: succeeded, failed or cancelled, and whether a provision must roll
 * back what it created (a cancelled provision always does; a failed one unless
 * `on_failure` is `keep`).
 */
export async function settleOperation(deps: WorkflowDeps, plan: OperationPlan): Promise<Settlement> {
  const { store } = deps;
  const { environment, operation } = await loadRunning(store, plan);
  const stacks = (await store.listStacks(environment.id)).filter((s) => inScope(operation, s));
  const failed = stacks.filter((s) => s.status === 'failed' && s.operation_id === operation.id);
  const cancelled = operation.cancel_requested;
  const to = ACTIONS[actionOf(operation.kind, 'walk')].to;
  const unfinished = stacks.filter((s) => s.status !== to).map((s) => s.name);
  // A cancel that arrived when nothing was left to start changed nothing: the run succeeded.
  const cancelledInTime = cancelled && unfinished.length > 0;
  const rollBack =
    operation.kind === 'provision' &&
    (cancelledInTime || (failed.length > 0 && environment.on_failure === 'rollback'));
  const rollbackLayers = rollBack
    ? groupByLayer(
        stacks.filter(
          (s) =>
            s.operation_id === operation.id && (s.status === 'provisioned' || s.status === 'provisioning'),
        ),
        true,
      )
    : [];
  let status: Settlement['status'] = 'succeeded';
  let error: string | null = null;
  if (failed.length > 0) {
    status = 'failed';
    error =
      operation.kind === 'destroy' || operation.kind === 'delete_stacks'
        ? `Could not delete ${failed.length} stack(s): ${describeFailures(failed)}; still present: ${unfinished.join(', ')}`
        : `${failed.length} stack(s) failed: ${describeFailures(failed)}`;
  } else if (cancelledInTime) {
    status = 'cancelled';
    error = `Cancelled by request${unfinished.length > 0 && operation.kind !== 'provision' ? `; not done: ${unfinished.join(', ')}` : ''}`;
  } else if (unfinished.length > 0) {
    status = 'failed';
    error = `Stacks did not finish: ${unfinished.join(', ')}`;
  }
  if (rollbackLayers.length > 0) {
    const count = rollbackLayers.reduce((n, l) => n + l.stacks.length, 0);
    error = `${error}; rolling back ${count} stack(s) it created`;
  }
  return {
    environment_id: plan.environment_id,
    operation_id: plan.operation_id,
    kind: operation.kind,
    status,
    error,
    failed_stacks: failed.map((s) => s.name),
    needs_rollback: rollbackLayers.length > 0,
    rollback_layers: rollbackLayers,
  };
}

/** Ends the operation and settles the environment from the settlement (after any rollback). */
export async function finalizeOperation(
  deps: WorkflowDeps,
  settings: WorkflowSettings,
  settlement: Settlement,
): Promise<{ environment_id: string; operation_id: string; status: string }> {
  const { store } = deps;
  const done = { environment_id: settlement.environment_id, operation_id: settlement.operation_id };
  // A retry of this step after its write landed: nothing left to do.
  const already = await store.getOperation(settlement.operation_id);
  if (already && already.status !== 'running') return { ...done, status: already.status };
  const { environment, operation } = await loadRunning(store, settlement);
  const stacks = await store.listStacks(environment.id);
  const cost = costOf(stacks);
  const results = Object.fromEntries(
    stacks.filter((s) => inScope(operation, s)).map((s) => [s.name, s.status]),
  );
  // Report a rollback only as far as it went: stacks it could not delete are named.
  const created = new Set(settlement.rollback_layers.flatMap((l) => l.stacks));
  const leftOver = stacks.filter((s) => created.has(s.name) && s.status !== 'destroyed');
  const rolledBack = settlement.needs_rollback && leftOver.length === 0;
  const succeeded = settlement.status === 'succeeded';
  const destroyed = succeeded && operation.kind === 'destroy';
  let environmentStatus: EnvironmentRecord['status'] = 'failed';
  if (succeeded)
    environmentStatus =
      operation.kind === 'destroy' ? 'destroyed' : operation.kind === 'stop' ? 'stopped' : 'running';
  // Deleting some stacks leaves a running environment with fewer stacks: its cost goes down.
  let error = settlement.error;
  if (settlement.needs_rollback && error) {
    error = rolledBack
      ? error.replace('rolling back', 'rolled back')
      : `${error.replace(/; rolling back .*$/, '')}; rollback incomplete, still present: ${describeFailures(leftOver)}`;
  }
  const outcome: OperationOutcome = {
    operationStatus: settlement.status,
    environmentStatus,
    error,
    baseUrl:
      environmentStatus === 'running'
        ? (environment.base_url ?? baseUrlFor(environment, settings.baseDomain))
        : undefined,
    estimatedMonthlyCostUsd: destroyed ? 0 : cost,
    outcome: rolledBack ? 'rolled_back' : settlement.needs_rollback ? 'rollback_incomplete' : null,
    stackResults: results,
    releaseName: destroyed,
    releaseVpc: destroyed && stacks.some((s) => s.name === 'network'),
    at: nowIso(),
  };
  // Reported only by the call that ended it (the reconciler may have got there first).
  if (await store.finish(environment, operation, outcome)) {
    await deps.events.publish(operationEndedEvents(environment, operation, outcome));
  }
  await log(
    deps,
    operationLogs(
      environment.id,
      operation.id,
      operation.kind,
      settlement.status,
      nowIso(),
      error ?? undefined,
    ),
  );
  return { ...done, status: environmentStatus };
}

/** Monthly cost of what exists: provisioned stacks (stopped compute counts as zero). */
function costOf(stacks: StackRecord[]): number {
  const total = stacks
    .filter((s) => s.status === 'provisioned')
    .reduce((n, s) => n + s.estimated_monthly_cost_usd, 0);
  return Math.round(total * 100) / 100;
}

/**
 * Settles an operation that ended outside the normal path (the catch-all, the
 * reconciler): stacks it left half-way are failed with the reason, so no record stays in
 * a transitional status (a retry picks them up again), then the operation and, if it
 * still holds it, the environment.
 */
async function settleAbnormally(
  deps: WorkflowDeps,
  environment: EnvironmentRecord,
  operation: OperationRecord,
  outcome: { status: 'failed' | 'cancelled'; reason: string },
): Promise<void> {
  const { store } = deps;
  const holds =
    environment.current_operation_id === operation.id && environment.status === ACTIVE_STATUS[operation.kind];
  let stacks = await store.listStacks(environment.id);
  if (holds) {
    const claim = claimOf({ environment_id: environment.id, operation_id: operation.id }, operation.kind);
    const halfWay = stacks.filter(
      (s) => s.operation_id === operation.id && (s.status === 'provisioning' || s.status === 'destroying'),
    );
    for (const stack of halfWay)
      await store.failStack(claim, stack.name, stack.status, outcome.reason, nowIso());
    if (halfWay.length > 0) stacks = await store.listStacks(environment.id);
  }
  const result: OperationOutcome = {
    operationStatus: outcome.status,
    // Only the operation that holds the environment may settle it.
    environmentStatus: holds ? 'failed' : environment.status,
    error: outcome.reason,
    ...(holds ? { estimatedMonthlyCostUsd: costOf(stacks) } : {}),
    stackResults: Object.fromEntries(
      stacks.filter((s) => inScope(operation, s)).map((s) => [s.name, s.status]),
    ),
    outcome: null,
    releaseName: false,
    at: nowIso(),
  };
  if (await store.finish(environment, operation, result)) {
    await deps.events.publish(operationEndedEvents(environment, operation, result));
  }
  await log(
    deps,
    operationLogs(environment.id, operation.id, operation.kind, outcome.status, nowIso(), outcome.reason),
  );
}

/**
 * The catch-all: an unexpected error ended the execution. Settles the operation as
 * failed and, if it still holds the environment, the environment too.
 */
export async function failOperation(deps: WorkflowDeps, input: FailureInput): Promise<{ status: string }> {
  const { store } = deps;
  const environment = await store.getEnvironment(input.environment_id);
  const operation = await store.getOperation(input.operation_id);
  if (!environment || !operation || operation.status !== 'running') return { status: 'already-settled' };
  await settleAbnormally(deps, environment, operation, {
    status: 'failed',
    reason: failureReason(input.error),
  });
  return { status: 'failed' };
}

/** A Step Functions "Execution Status Change" event, as EventBridge delivers it (its `detail`). */
export interface ExecutionStatusChange {
  status: string;
  name: string;
  /** The execution's input (JSON), when the event carries it. */
  input?: string | null;
  error?: string | null;
  cause?: string | null;
}

/**
 * The reconciler: an execution that ended outside the normal path (failed, timed out,
 * aborted) may have left its operation `running` and its environment in a transitional
 * status. Settle them from the execution's final status; an operation already settled
 * (the normal path) is left alone.
 */
export async function reconcileExecution(
  deps: WorkflowDeps,
  change: ExecutionStatusChange,
): Promise<{ status: string }> {
  const { store } = deps;
  if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(change.status)) return { status: 'ignored' };
  let ref: Partial<OperationRef> = {};
  try {
    ref = JSON.parse(change.input ?? '{}') as Partial<OperationRef>;
  } catch {
    // The execution name is the operation id; the input only adds the environment.
  }
  const operation = await store.getOperation(ref.operation_id ?? change.name);
  if (operation?.status !== 'running') return { status: 'already-settled' };
  const environment = await store.getEnvironment(operation.environment_id);
  if (!environment) return { status: 'already-settled' };
  const cancelled = change.status === 'ABORTED' && operation.cancel_requested;
  const reason =
    change.status === 'TIMED_OUT'
      ? 'The workflow timed out'
      : change.status === 'ABORTED'
        ? cancelled
          ? 'Cancelled by request; the workflow was stopped'
          : 'The workflow was stopped'
        : failureReason({ Error: change.error ?? undefined, Cause: change.cause ?? undefined });
  await settleAbnormally(deps, environment, operation, {
    status: cancelled ? 'cancelled' : 'failed',
    reason,
  });
  return { status: cancelled ? 'cancelled' : 'failed' };
}
