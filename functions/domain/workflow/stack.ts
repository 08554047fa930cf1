/**
 * The steps of one stack: `start-stack` (it moves to its in-progress status and the Wait
 * state gets its simulated duration), `complete-stack` (the simulated action, then its end
 * status, resources and outputs) and `fail-stack` (the per-stack Catch: it is recorded as
 * failed so its siblings finish and the operation's policy applies when the walk settles).
 */

import { StaleOperationError } from '../errors.ts';
import { throwSimulatedFailure } from '../failures.ts';
import { nowIso } from '../ids.ts';
import {
  logEvent,
  stackDestroyedLogs,
  stackFailedLogs,
  stackProvisionedLogs,
  stackStartedLogs,
} from '../logs.ts';
import { simulatedDurationSeconds, simulateStack } from '../simulation.ts';
import { stackInputs } from '../templates.ts';
import type { RunContext, StackFailureInput, StackInput, StackStarted } from './contracts.ts';
import { failureReason } from './failure.ts';
import { ACTIONS, actionOf, fromStatuses, HAS_RESOURCES } from './planning.ts';
import { claimOf, runContext, type WorkflowDeps } from './run.ts';

/** Stopping or starting a stack takes this fraction of its provisioning time. */
const STOP_START_FRACTION = 0.25;

export async function startStack(
  deps: WorkflowDeps,
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
  return { ...input, wait_seconds: Math.round(seconds * deps.settings.timeScale) };
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

/** The payload a stack step passes on: the stack's reference, without what the step added. */
function stackInputOf(input: StackInput): StackInput {
  const { environment_id, operation_id, kind, phase, layer, stack } = input;
  return { environment_id, operation_id, kind, phase, layer, stack };
}

/**
 * Does the stack's action and settles it, in one write in the usual case: what it needs
 * comes with the payload (`run`), a retry whose write already landed is found out by the
 * write's condition, and the try number of injected transient failures is only counted
 * when such failures are simulated.
 */
export async function completeStack(deps: WorkflowDeps, input: StackStarted): Promise<StackInput> {
  const done = stackInputOf(input);
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

/** Records a stack whose step failed, so its siblings can finish and the policy can apply. */
export async function failStack(deps: WorkflowDeps, input: StackFailureInput): Promise<StackInput> {
  const stackInput = stackInputOf(input);
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
