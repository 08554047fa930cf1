/**
 * TTL expiry of ephemeral environments (issue: preview environments nobody tears down).
 * A sweeper runs every minute (an EventBridge schedule in AWS, a timer locally), finds
 * live ephemeral environments past `expires_at` with one query on the expiry index, and
 * starts a destroy operation (reason `ttl_expired`) for each that is settled. An
 * environment busy with another operation is picked up by a later sweep; one whose TTL
 * destroy already failed is not retried automatically (a person looks at it).
 */
import type { Principal } from '../access.ts';
import { ConflictError } from '../errors.ts';
import { SETTLED_STATUSES } from '../lifecycle.ts';
import type { EnvironmentRecord } from '../model.ts';
import { destroyEnvironment, type EnvironmentDeps } from './environments.ts';

/** Who the sweeper acts as: the system itself, allowed to destroy anyone's environment. */
export const TTL_SWEEPER: Principal = {
  userId: 'system:ttl-sweeper',
  email: null,
  name: 'TTL sweeper',
  groups: ['Administrators'],
  role: 'Administrators',
};

export const TTL_EXPIRED = 'ttl_expired';

/** How many expired environments one sweep handles; the rest wait for the next minute. */
const SWEEP_BATCH = 100;

export interface SweepResult {
  /** Environments whose destroy was started. */
  started: string[];
  /** Expired but not started now (busy, or their TTL destroy already failed). */
  deferred: string[];
}

async function alreadyTriedTtlDestroy(
  deps: EnvironmentDeps,
  environment: EnvironmentRecord,
): Promise<boolean> {
  if (environment.status !== 'failed' || !environment.current_operation_id) return false;
  const last = await deps.environments.getOperation(environment.current_operation_id);
  return last?.kind === 'destroy' && last.reason === TTL_EXPIRED;
}

export async function sweepExpiredEnvironments(deps: EnvironmentDeps, now: Date): Promise<SweepResult> {
  const expired = await deps.environments.listExpired(now.toISOString(), SWEEP_BATCH);
  const result: SweepResult = { started: [], deferred: [] };
  for (const environment of expired) {
    if (!SETTLED_STATUSES.includes(environment.status) || (await alreadyTriedTtlDestroy(deps, environment))) {
      result.deferred.push(environment.id);
      continue;
    }
    try {
      await destroyEnvironment(deps, TTL_SWEEPER, environment.id, { reason: TTL_EXPIRED });
      result.started.push(environment.id);
    } catch (error) {
      // Someone else changed it in the meantime (a user's delete, a new operation): next sweep.
      if (!(error instanceof ConflictError)) throw error;
      result.deferred.push(environment.id);
    }
  }
  return result;
}
