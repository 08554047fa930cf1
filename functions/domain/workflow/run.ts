/**
 * What every step of an operation's walk works with: its dependencies and settings, the
 * claim its writes carry (the operation holds its environment, in the operation's status),
 * and the run it loads (the operation and its environment, still held, and the stacks).
 */

import { StaleOperationError } from '../errors.ts';
import { ACTIVE_STATUS } from '../lifecycle.ts';
import type { EnvironmentRecord, OperationRecord, StackRecord } from '../model.ts';
import type { Claim, EnvironmentStore, OperationStore, StackStore } from '../ports.ts';
import type { OperationRef, RunContext } from './contracts.ts';

export interface WorkflowSettings {
  /** Multiplies simulated durations (0 = no waits). */
  timeScale: number;
  baseDomain: string;
}

/**
 * What the steps need: the operations and their stacks (each step writes its log lines with
 * the change they describe, through the store, and so are lifecycle events) and the settings.
 */
export interface WorkflowDeps {
  operations: OperationStore;
  stacks: StackStore;
  settings: WorkflowSettings;
}

/** What ending a run outside the normal path needs (`settleAbnormally`): no settings. */
export type SettlingDeps = Pick<WorkflowDeps, 'operations' | 'stacks'>;

/** The reconciler also reads the environment of an operation it only knows by id. */
export interface ReconcilerDeps extends SettlingDeps {
  environments: Pick<EnvironmentStore, 'get'>;
}

/** The claim of a step's writes: each is conditional on it (see `Claim`). */
export function claimOf(ref: OperationRef, kind: OperationRecord['kind']): Claim {
  return { environmentId: ref.environment_id, operationId: ref.operation_id, active: ACTIVE_STATUS[kind] };
}

/** The operation and its environment, if the operation still holds it (StaleOperationError otherwise). */
export function assertRunning(
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
export async function loadRunningWithStacks(
  deps: Pick<WorkflowDeps, 'operations' | 'stacks'>,
  ref: OperationRef,
): Promise<{ environment: EnvironmentRecord; operation: OperationRecord; stacks: StackRecord[] }> {
  const [records, stacks] = await Promise.all([
    deps.operations.getWithEnvironment(ref.environment_id, ref.operation_id),
    deps.stacks.list(ref.environment_id),
  ]);
  return { ...assertRunning(ref, records.environment, records.operation), stacks };
}

/** What the steps carry instead of reading it again (see `RunContext`). */
export function runContext(environment: EnvironmentRecord, operation: OperationRecord): RunContext {
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
