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

import type { OperationKindValue, StackStatusValue } from '../../api/contract/schemas.ts';
import { StaleOperationError } from '../errors.ts';
import { throwSimulatedFailure } from '../failures.ts';
import { nowIso } from '../ids.ts';
import { ACTIVE_STATUS, baseUrlFor, COMPUTE_STACKS } from '../lifecycle.ts';
import { operationEndedEvents } from '../lifecycle-events.ts';
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
import type {
  Claim,
  EnvironmentStore,
  EventPublisher,
  OperationOutcome,
  OperationStore,
  StackStore,
} from '../ports.ts';
import { simulatedDurationSeconds, simulateStack } from '../simulation.ts';
import { type ResolvedParameters, stackInputs } from '../templates.ts';

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
/**
 * What the steps need to know about the environment and the operation, read once by
 * `plan-operation` and carried in the execution's state instead of being read again by
 * every step: none of it changes while the operation holds the environment (settings
 * change only on a settled environment). A payload without it (an execution started before
 * it was carried) makes the steps read the records, as they used to.
 */
export interface RunContext {
  environment: { name: string; region: string; account_id: string; parameters: ResolvedParameters };
  /** The operation's attempt (it seeds the simulation). */
  attempt: number;
  /**
   * Set by `start-layer` for the stacks of its layer: the outputs of the stacks they depend
   * on, by stack name (dependants consume them, e.g. database-rds uses network's subnets).
   */
  outputs?: Record<string, Record<string, unknown>>;
}
/** Output of `plan-operation`. */
export interface OperationPlan extends OperationRef {
  kind: OperationKindValue;
  layers: PlannedLayer[];
  run?: RunContext;
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
  run?: RunContext;
}
/** Input of `start-stack` (the ASL gives it only these, whatever else the stack's state holds). */
export interface StackInput extends OperationRef {
  kind: OperationKindValue;
  phase: Phase;
  layer: number;
  stack: string;
}
/**
 * Input of `complete-stack`: the stack's state, with the run context and what `start-stack`
 * returned (the ASL keeps its `wait_seconds` under `started`; an execution started before
 * did not carry `run` and gave `complete-stack` the output of `start-stack` itself).
 */
export interface StackStarted extends StackInput {
  run?: RunContext;
  started?: { wait_seconds: number };
  wait_seconds?: number;
}
/** Input of `fail-stack`: the stack's payload plus the error the state machine caught. */
export interface StackFailureInput extends StackStarted {
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
  run?: RunContext;
}
/** Input of `fail-operation` (the catch-all): whatever the failing state had, plus the error. */
export interface FailureInput extends OperationRef {
  error?: { Error?: string; Cause?: string } | undefined;
}

/**
 * What the steps need: the operations and their stacks (each step writes its log lines with
 * the change they describe, through the store) and the lifecycle events they publish.
 */
export interface WorkflowDeps {
  operations: OperationStore;
  stacks: StackStore;
  events: EventPublisher;
}

/** The reconciler also reads the environment of an operation it only knows by id. */
export interface ReconcilerDeps extends WorkflowDeps {
  environments: Pick<EnvironmentStore, 'get'>;
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

/** The operation and its environment, if the operation still holds it (StaleOperationError otherwise). */
function assertRunning(
  ref: OperationRef,
  environment: EnvironmentRecord | null,
  operation: OperationRecord | null,
): { environment: EnvironmentRecord; operation: OperationRecord } {
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

/** The operation and its environment (one read), and the environment's stacks (one more), at once. */
async function loadRunningWithStacks(
  deps: WorkflowDeps,
  ref: OperationRef,
): Promise<{ environment: EnvironmentRecord; operation: OperationRecord; stacks: StackRecord[] }> {
  const [records, stacks] = await Promise.all([
    deps.operations.getWithEnvironment(ref.environment_id, ref.operation_id),
    deps.stacks.list(ref.environment_id),
  ]);
  return { ...assertRunning(ref, records.environment, records.operation), stacks };
}

/** What the steps carry instead of reading it again (see `RunContext`). */
function runContext(environment: EnvironmentRecord, operation: OperationRecord): RunContext {
  return {
    environment: {
      name: environment.name,
      region: environment.region,
      account_id: environment.account_id,
      parameters: environment.parameters,
    },
    attempt: operation.attempt,
  };
}

export async function planOperation(deps: WorkflowDeps, ref: OperationRef): Promise<OperationPlan> {
  const { environment, operation, stacks: all } = await loadRunningWithStacks(deps, ref);
  const layers = planLayers(all, operation);
  const to = ACTIONS[actionOf(operation.kind, 'walk')].to;
  const finished = all.filter((s) => s.status === to && s.operation_id === operation.id).length;
  const stacks = layers.reduce((n, l) => n + l.stacks.length, finished);
  const detail = operation.retry_of
    ? `retry of ${operation.retry_of} (attempt ${operation.attempt})`
    : undefined;
  await deps.operations.startWalk(
    claimOf(ref, operation.kind),
    layers.length,
    stacks,
    operationLogs(environment.id, operation.id, operation.kind, 'started', nowIso(), detail),
  );
  return { ...ref, kind: operation.kind, layers, run: runContext(environment, operation) };
}

/**
 * Decides which of a layer's stacks may run. Nothing new starts once a cancel was asked
 * for, or once a provision with `on_failure: rollback` has a failed stack. A stack whose
 * dependency did not get provisioned is skipped (an update leaves such a stack as it was,
 * on its old inputs, for a retry to pick up); a stack still needed by a dependant that
 * could not be deleted is kept (deleting it would fail in AWS too), in a rollback as well.
 * The stacks that run get their dependencies' outputs in the run context.
 */
export async function startLayer(deps: WorkflowDeps, input: LayerInput): Promise<LayerInput> {
  const { environment, operation, stacks } = await loadRunningWithStacks(deps, input);
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
  const at = nowIso();
  await deps.operations.startLayer(
    claimOf(input, operation.kind),
    { layer: input.phase === 'walk' ? input.layer : null, skipped, at },
    [
      ...skipped.flatMap((s) => stackSkippedLogs(environment.id, operation.id, s.stack, s.reason, at)),
      ...notes,
    ],
  );
  if (!input.run) return { ...input, stacks: runnable };
  // Each runnable stack's dependencies are provisioned (checked above): their outputs, once each.
  const needed = new Set(
    action === 'provision' ? runnable.flatMap((n) => byName.get(n)?.depends_on ?? []) : [],
  );
  const outputs = Object.fromEntries(
    [...needed].sort().map((name) => [name, byName.get(name)?.outputs ?? {}]),
  );
  return { ...input, stacks: runnable, run: { ...input.run, outputs } };
}

export async function startStack(
  deps: WorkflowDeps,
  settings: WorkflowSettings,
  input: StackInput,
): Promise<StackInput & { wait_seconds: number }> {
  const action = actionOf(input.kind, input.phase);
  // Only a deletion depends on what the stack holds: one that never got resources goes at once.
  let takesTime = true;
  if (action === 'destroy') {
    const stack = await deps.stacks.get(input.environment_id, input.stack);
    if (!stack)
      throw new StaleOperationError(`Stack ${input.stack} of ${input.environment_id} does not exist`);
    takesTime = HAS_RESOURCES.includes(stack.status);
  }
  const verb = input.kind === 'update' && input.phase === 'walk' ? 'update' : action;
  const at = nowIso();
  await deps.stacks.start(
    claimOf(input, input.kind),
    input.stack,
    [...fromStatuses(input.kind, input.phase)],
    ACTIONS[action].during,
    at,
    stackStartedLogs(input.environment_id, input.operation_id, input.stack, verb, at),
  );
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

/** The run context of a payload that does not carry it (see `RunContext`): read from the records. */
async function readRunContext(deps: WorkflowDeps, input: StackInput): Promise<RunContext> {
  const { environment, operation } = await deps.operations.getWithEnvironment(
    input.environment_id,
    input.operation_id,
  );
  if (!environment || !operation) {
    throw new StaleOperationError(`Stack ${input.stack} of ${input.environment_id} does not exist`);
  }
  return runContext(environment, operation);
}

/** The outputs of a stack's dependencies, read from their records (a payload without them). */
async function readDependencyOutputs(
  deps: WorkflowDeps,
  input: StackInput,
): Promise<Record<string, Record<string, unknown>>> {
  const stack = await deps.stacks.get(input.environment_id, input.stack);
  if (!stack) throw new StaleOperationError(`Stack ${input.stack} of ${input.environment_id} does not exist`);
  const dependencies = await Promise.all(
    stack.depends_on.map((name) => deps.stacks.get(input.environment_id, name)),
  );
  const outputs: Record<string, Record<string, unknown>> = {};
  for (const dependency of dependencies) {
    if (dependency?.status !== 'provisioned') {
      throw new StaleOperationError(`A dependency of ${input.stack} is not provisioned`);
    }
    outputs[dependency.name] = dependency.outputs;
  }
  return outputs;
}

/**
 * Does the stack's action and settles it, in one write in the usual case: what it needs
 * comes with the payload (`run`), a retry whose write already landed is found out by the
 * write's condition, and the try number of injected transient failures is only counted
 * when such failures are simulated.
 */
export async function completeStack(deps: WorkflowDeps, input: StackStarted): Promise<StackInput> {
  const done: StackInput = {
    environment_id: input.environment_id,
    operation_id: input.operation_id,
    kind: input.kind,
    phase: input.phase,
    layer: input.layer,
    stack: input.stack,
  };
  const claim = claimOf(input, input.kind);
  const action = actionOf(input.kind, input.phase);
  const spec = ACTIONS[action];
  const run = input.run ?? (await readRunContext(deps, input));
  // A deletion reports what it deletes: the stack's resources, from its record.
  const stack = action === 'destroy' ? await deps.stacks.get(input.environment_id, input.stack) : null;
  if (action === 'destroy') {
    if (!stack)
      throw new StaleOperationError(`Stack ${input.stack} of ${input.environment_id} does not exist`);
    // A retry of this step after its write landed: the stack is done, nothing to draw again.
    if (stack.status === spec.to && stack.operation_id === input.operation_id) return done;
  }
  if (action === 'provision' || (action === 'destroy' && input.phase === 'walk')) {
    const simulate = run.environment.parameters.simulate;
    let tryNumber = 1;
    // Only a transient failure depends on the try; the other draws are the same on every try.
    if ((simulate?.transient_failure_rate ?? 0) > 0) {
      const counted = await deps.stacks.countTry(claim, input.stack, spec.during, spec.to);
      // A retry of this step after its write landed: nothing to draw again.
      if (counted === null) return done;
      tryNumber = counted;
    }
    throwSimulatedFailure({
      environmentId: input.environment_id,
      stack: input.stack,
      action,
      kind: input.kind,
      attempt: run.attempt,
      tryNumber,
      simulate,
    });
  }
  const at = nowIso();
  if (action !== 'provision') {
    const logs =
      action === 'destroy'
        ? stackDestroyedLogs(
            input.environment_id,
            input.operation_id,
            input.stack,
            stack?.resources ?? [],
            at,
          )
        : [
            logEvent(
              input.environment_id,
              input.operation_id,
              input.stack,
              'INFO',
              `${action === 'stop' ? 'Stopped' : 'Started'} stack ${input.stack}`,
              at,
            ),
          ];
    await deps.stacks.complete(claim, input.stack, spec.during, { status: spec.to, at }, logs);
    return done;
  }
  const simulated = simulateStack(
    input.stack,
    {
      environmentId: input.environment_id,
      environmentName: run.environment.name,
      region: run.environment.region,
      accountId: run.environment.account_id,
      parameters: run.environment.parameters,
      attempt: run.attempt,
    },
    run.outputs ?? (await readDependencyOutputs(deps, input)),
  );
  await deps.stacks.complete(
    claim,
    input.stack,
    spec.during,
    {
      status: spec.to,
      resources: simulated.resources,
      outputs: simulated.outputs,
      estimated_monthly_cost_usd: simulated.monthlyCostUsd,
      inputs: stackInputs(input.stack, run.environment.parameters),
      at,
    },
    stackProvisionedLogs(input.environment_id, input.operation_id, input.stack, simulated.resources, at),
  );
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
  const stackInput: StackInput = {
    environment_id: input.environment_id,
    operation_id: input.operation_id,
    kind: input.kind,
    phase: input.phase,
    layer: input.layer,
    stack: input.stack,
  };
  const action = actionOf(input.kind, input.phase);
  const current = await deps.stacks.get(input.environment_id, input.stack);
  // The stack finished after all (a retried step whose first write had landed): not a failure.
  if (current?.status === ACTIONS[action].to && current.operation_id === input.operation_id)
    return stackInput;
  const reason = failureReason(input.error);
  const at = nowIso();
  await deps.stacks.fail(
    claimOf(input, input.kind),
    input.stack,
    ACTIONS[action].during,
    reason,
    at,
    stackFailedLogs(input.environment_id, input.operation_id, input.stack, reason, at),
  );
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
  const loaded = await loadRunningWithStacks(deps, plan);
  const { environment, operation } = loaded;
  const stacks = loaded.stacks.filter((s) => inScope(operation, s));
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
    // The rollback's steps need it too.
    ...(plan.run ? { run: plan.run } : {}),
  };
}

/** Ends the operation and settles the environment from the settlement (after any rollback). */
export async function finalizeOperation(
  deps: WorkflowDeps,
  settings: WorkflowSettings,
  settlement: Settlement,
): Promise<{ environment_id: string; operation_id: string; status: string }> {
  const done = { environment_id: settlement.environment_id, operation_id: settlement.operation_id };
  const [records, stacks] = await Promise.all([
    deps.operations.getWithEnvironment(settlement.environment_id, settlement.operation_id),
    deps.stacks.list(settlement.environment_id),
  ]);
  // A retry of this step after its write landed: nothing left to do.
  if (records.operation && records.operation.status !== 'running') {
    return { ...done, status: records.operation.status };
  }
  const { environment, operation } = assertRunning(settlement, records.environment, records.operation);
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
  const logs = operationLogs(
    environment.id,
    operation.id,
    operation.kind,
    settlement.status,
    nowIso(),
    error ?? undefined,
  );
  // Reported only by the call that ended it (the reconciler may have got there first).
  if (await deps.operations.finish(environment, operation, outcome, logs)) {
    await deps.events.publish(operationEndedEvents(environment, operation, outcome));
  }
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
  const holds =
    environment.current_operation_id === operation.id && environment.status === ACTIVE_STATUS[operation.kind];
  let stacks = await deps.stacks.list(environment.id);
  if (holds) {
    const claim = claimOf({ environment_id: environment.id, operation_id: operation.id }, operation.kind);
    const halfWay = stacks.filter(
      (s) => s.operation_id === operation.id && (s.status === 'provisioning' || s.status === 'destroying'),
    );
    for (const stack of halfWay)
      await deps.stacks.fail(claim, stack.name, stack.status, outcome.reason, nowIso());
    if (halfWay.length > 0) stacks = await deps.stacks.list(environment.id);
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
  const logs = operationLogs(
    environment.id,
    operation.id,
    operation.kind,
    outcome.status,
    nowIso(),
    outcome.reason,
  );
  if (await deps.operations.finish(environment, operation, result, logs)) {
    await deps.events.publish(operationEndedEvents(environment, operation, result));
  }
}

/**
 * The catch-all: an unexpected error ended the execution. Settles the operation as
 * failed and, if it still holds the environment, the environment too.
 */
export async function failOperation(deps: WorkflowDeps, input: FailureInput): Promise<{ status: string }> {
  const { environment, operation } = await deps.operations.getWithEnvironment(
    input.environment_id,
    input.operation_id,
  );
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
  deps: ReconcilerDeps,
  change: ExecutionStatusChange,
): Promise<{ status: string }> {
  if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(change.status)) return { status: 'ignored' };
  let ref: Partial<OperationRef> = {};
  try {
    ref = JSON.parse(change.input ?? '{}') as Partial<OperationRef>;
  } catch {
    // The execution name is the operation id; the input only adds the environment.
  }
  const operation = await deps.operations.get(ref.operation_id ?? change.name);
  if (operation?.status !== 'running') return { status: 'already-settled' };
  const environment = await deps.environments.get(operation.environment_id);
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
