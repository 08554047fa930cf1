/**
 * Lifecycle rules of environments and operations (DESIGN.md §4 "Environment", §6):
 * which statuses are transitional, which are settled, and the records an operation
 * starts with.
 */

import { ConflictError } from './errors.ts';
import { newId } from './ids.ts';
import type { EnvironmentRecord, OperationRecord, StackRecord } from './model.ts';
import type { EnvironmentStatusValue, OperationKindValue } from './vocabulary.ts';

/**
 * Statuses in which an operation holds the environment (running, or awaiting its approval):
 * no other mutating request is accepted.
 */
export const IN_PROGRESS_STATUSES: readonly EnvironmentStatusValue[] = [
  'awaiting_approval',
  'provisioning',
  'updating',
  'stopping',
  'starting',
  'destroying',
];

/** The environment status an operation of each kind holds while it runs. */
export const ACTIVE_STATUS: Readonly<Record<OperationKindValue, EnvironmentStatusValue>> = {
  provision: 'provisioning',
  update: 'updating',
  stop: 'stopping',
  start: 'starting',
  destroy: 'destroying',
  delete_stacks: 'updating',
};

/** Stacks that run workloads: stop and start act on these and leave the others alone. */
export const COMPUTE_STACKS: readonly string[] = [
  'compute-ec2',
  'compute-lambda',
  'services-ecs',
  'services-eks',
  'containers-apps',
];

/** Statuses from which a new operation (e.g. destroy) may start. */
export const SETTLED_STATUSES: readonly EnvironmentStatusValue[] = ['running', 'stopped', 'failed'];

/**
 * 409 unless the environment is settled. While an operation runs, the error names it,
 * so a client can follow or cancel it; so is a rollout in progress (`DEPLOYMENT_IN_PROGRESS`), unless
 * `deploymentsBlock` is false (for what a rollout does not conflict with).
 */
export function assertSettled(
  environment: EnvironmentRecord,
  options: { deploymentsBlock: boolean } = { deploymentsBlock: true },
): void {
  if (options.deploymentsBlock && environment.active_deployment_id) {
    throw new ConflictError(
      `Environment ${environment.id} is deploying: deployment ${environment.active_deployment_id} is in progress`,
      'DEPLOYMENT_IN_PROGRESS',
      { deployment_id: environment.active_deployment_id, status: environment.status },
    );
  }
  if (SETTLED_STATUSES.includes(environment.status)) return;
  if (IN_PROGRESS_STATUSES.includes(environment.status)) {
    throw new ConflictError(
      `Environment ${environment.id} is ${environment.status}: operation ${environment.current_operation_id} is in progress`,
      'OPERATION_IN_PROGRESS',
      { operation_id: environment.current_operation_id, status: environment.status },
    );
  }
  throw new ConflictError(`Environment ${environment.id} is ${environment.status}`, 'ILLEGAL_STATE', {
    status: environment.status,
  });
}

export function newOperation(
  environmentId: string,
  kind: OperationKindValue,
  requestedBy: string,
  stacks: number,
  layers: number,
  at: string,
  options: {
    targets?: string[] | null;
    attempt?: number;
    retryOf?: string | null;
    reason?: string | null;
  } = {},
): OperationRecord {
  return {
    id: newId('op'),
    environment_id: environmentId,
    kind,
    status: 'running',
    attempt: options.attempt ?? 1,
    retry_of: options.retryOf ?? null,
    targets: options.targets ?? null,
    cancel_requested: false,
    outcome: null,
    stack_results: null,
    progress: { layer: 0, layers, stacks_done: 0, stacks },
    started_at: at,
    finished_at: null,
    error: null,
    requested_by: requestedBy,
    reason: options.reason ?? null,
  };
}

/** Stacks in layer order, then by name: the order the API lists them in. */
export function sortStacks(stacks: StackRecord[]): StackRecord[] {
  return [...stacks].sort((a, b) => a.layer - b.layer || a.name.localeCompare(b.name));
}

/**
 * The fake public URL an environment gets when it becomes `running`: the environment
 * name plus a slice of its id (names repeat across projects), under the base domain.
 */
export function baseUrlFor(environment: Pick<EnvironmentRecord, 'id' | 'name'>, baseDomain: string): string {
  const suffix = environment.id.slice(-6);
  return `https://${environment.name}-${suffix}.${baseDomain}`;
}
