/**
 * TTL expiry of ephemeral environments (issue: preview environments nobody tears down).
 * A sweeper runs every minute (an EventBridge schedule in AWS, a timer locally), finds
 * live ephemeral environments past `expires_at` with one query on the expiry index, and
 * starts a destroy operation (reason `ttl_expired`) for each that is settled. An
 * environment busy with another operation is picked up by a later sweep; one whose TTL
 * destroy already failed is not retried automatically (a person looks at it).
 *
 * The same query, reaching `warningMinutes` further, finds the environments about to
 * expire: each gets one `environment.expiring` event per expiry time (a conditional
 * mark on the environment makes it once, however many sweeps see it).
 */
import type { Principal } from '../access.ts';
import { ConflictError } from '../errors.ts';
import { SETTLED_STATUSES } from '../lifecycle.ts';
import { environmentExpiringEvent } from '../lifecycle-events.ts';
import type { EnvironmentRecord } from '../model.ts';
import type { ScheduleStore } from '../ports.ts';
import { destroyEnvironment, type EnvironmentDeps, type EnvironmentSettings } from './environments.ts';

/** Who the sweeper acts as: the system itself, allowed to destroy anyone's environment. */
export const TTL_SWEEPER: Principal = {
  userId: 'system:ttl-sweeper',
  email: null,
  name: 'TTL sweeper',
  groups: ['Administrators'],
  role: 'Administrators',
};

export const TTL_EXPIRED = 'ttl_expired';

/** How many expired environments one sweep looks at; the rest wait for the next minute. */
const SWEEP_BATCH = 1000;

export interface SweepResult {
  /** Environments whose destroy was started. */
  started: string[];
  /** Expired but not started now (busy, or their TTL destroy already failed). */
  deferred: string[];
  /** Environments whose destroy could not be started, with why (retried next sweep). */
  errors: { environment_id: string; error: string }[];
  /** Environments warned now that they expire soon. */
  warned: string[];
}

export interface SweepSettings {
  /** How long before expiry the warning goes out; 0 sends none. */
  warningMinutes: number;
}

/** What the sweeper works with: the environments' use cases, the schedules it reads, its settings. */
export interface SweeperDeps extends EnvironmentDeps {
  schedules: ScheduleStore;
  settings: EnvironmentSettings & SweepSettings;
}

async function alreadyTriedTtlDestroy(
  deps: EnvironmentDeps,
  environment: EnvironmentRecord,
): Promise<boolean> {
  if (environment.status !== 'failed' || !environment.current_operation_id) return false;
  const last = await deps.operations.get(environment.current_operation_id);
  // A TTL destroy that ran and failed; one whose workflow never started does not count.
  return last?.kind === 'destroy' && last.reason === TTL_EXPIRED && last.stack_results !== null;
}

export async function sweepExpiredEnvironments(deps: SweeperDeps, now: Date): Promise<SweepResult> {
  const { settings } = deps;
  const cutoff = now.toISOString();
  const horizon = new Date(now.getTime() + settings.warningMinutes * 60_000).toISOString();
  const result: SweepResult = { started: [], deferred: [], errors: [], warned: [] };
  if (settings.warningMinutes > 0) {
    const soon = await deps.schedules.listExpired(horizon, SWEEP_BATCH, cutoff);
    await warnExpiring(
      deps,
      soon.filter((e) => e.expires_at !== null && e.expires_at > cutoff),
      now,
      result,
    );
  }
  const expired = await deps.schedules.listExpired(cutoff, SWEEP_BATCH);
  // The index may be stale: destroy only what is still ephemeral and expired when written.
  const stillExpired = (current: EnvironmentRecord) =>
    current.type === 'ephemeral' && current.expires_at !== null && current.expires_at <= cutoff;
  for (const environment of expired) {
    if (!SETTLED_STATUSES.includes(environment.status) || (await alreadyTriedTtlDestroy(deps, environment))) {
      result.deferred.push(environment.id);
      continue;
    }
    try {
      await destroyEnvironment(deps, TTL_SWEEPER, environment.id, {
        reason: TTL_EXPIRED,
        onlyIf: stillExpired,
      });
      result.started.push(environment.id);
    } catch (error) {
      result.deferred.push(environment.id);
      // A conflict means someone changed it meanwhile (a delete, a new TTL): nothing to report.
      // Anything else must not stop the sweep of the others; it is retried next time.
      if (!(error instanceof ConflictError)) {
        result.errors.push({
          environment_id: environment.id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
  return result;
}

async function warnExpiring(
  deps: SweeperDeps,
  expiring: EnvironmentRecord[],
  now: Date,
  result: SweepResult,
): Promise<void> {
  for (const environment of expiring) {
    const expiresAt = environment.expires_at;
    if (!expiresAt || environment.expiry_warned_for === expiresAt || environment.status === 'destroying')
      continue;
    try {
      const warning = environmentExpiringEvent(environment, now.toISOString());
      if (!(await deps.schedules.markExpiryWarned(environment.id, expiresAt, [warning]))) continue;
      result.warned.push(environment.id);
    } catch (error) {
      result.errors.push({
        environment_id: environment.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
