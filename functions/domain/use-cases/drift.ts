/**
 * Refresh and drift (issue 5): compare the recorded resources of provisioned stacks with
 * their (simulated) live state, record the result on each stack, and tell subscribers
 * (`environment.drift_detected`). Environments can ask for scheduled checks
 * (`drift_check: {interval_hours, remediate}`), which the sweeper runs; with `remediate`,
 * the drifted stacks are redeployed by an `update` operation.
 */
import type { Principal } from '../access.ts';
import { detectDrift } from '../drift-rules.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { nowIso } from '../ids.ts';
import { assertSettled } from '../lifecycle.ts';
import { driftDetectedEvent } from '../lifecycle-events.ts';
import type { DriftChange, DriftCheckSettings, EnvironmentRecord } from '../model.ts';
import { type EnvironmentDeps, getModifiableEnvironment } from './environments.ts';
import { begin } from './operations.ts';
import { type SweeperDeps, TTL_SWEEPER } from './ttl.ts';

export interface DriftReportView {
  environment_id: string;
  checked_at: string;
  changes_detected: boolean;
  stacks: { stack: string; drifted: boolean; changes: DriftChange[] }[];
}

/** Compares and records; the caller decides what to tell and whether to remediate. */
async function compare(
  deps: Pick<EnvironmentDeps, 'stacks'>,
  environment: EnvironmentRecord,
  only: string | null,
  at: string,
): Promise<DriftReportView> {
  const stacks = await deps.stacks.list(environment.id);
  const rate = environment.parameters.simulate?.drift_rate ?? 0;
  let targets = stacks.filter((s) => s.status === 'provisioned' || s.status === 'stopped');
  if (only) {
    const stack = stacks.find((s) => s.name === only);
    if (!stack) throw new NotFoundError('Stack', `${environment.id}/${only}`);
    if (!targets.includes(stack)) {
      throw new ConflictError(
        `Stack ${only} is ${stack.status}: only provisioned stacks can be refreshed`,
        'ILLEGAL_STATE',
        { status: stack.status },
      );
    }
    targets = [stack];
  }
  const results = [];
  for (const stack of targets.sort((a, b) => a.layer - b.layer || a.name.localeCompare(b.name))) {
    const changes = detectDrift(environment.id, stack, rate);
    // Only onto the stack as it was compared: a redeploy meanwhile has new resources.
    await deps.stacks.recordDrift(
      environment.id,
      stack.name,
      { checked_at: at, changes },
      { operation_id: stack.operation_id, status: stack.status },
    );
    results.push({ stack: stack.name, drifted: changes.length > 0, changes });
  }
  return {
    environment_id: environment.id,
    checked_at: at,
    changes_detected: results.some((r) => r.drifted),
    stacks: results,
  };
}

/** POST …/refresh and …/stacks/{stack}/refresh: on a settled environment, with no operation running. */
export async function refresh(
  deps: EnvironmentDeps,
  principal: Principal,
  environmentId: string,
  stack: string | null,
): Promise<DriftReportView> {
  const environment = await getModifiableEnvironment(deps, principal, environmentId);
  // A rollout does not change the stacks' resources: refreshing meanwhile is fine.
  assertSettled(environment, { deploymentsBlock: false });
  const report = await compare(deps, environment, stack, nowIso());
  await announce(deps, environment, report, null);
  return report;
}

async function announce(
  deps: Pick<EnvironmentDeps, 'events'>,
  environment: EnvironmentRecord,
  report: DriftReportView,
  remediation: string | null,
): Promise<void> {
  if (!report.changes_detected) return;
  const drifted = report.stacks
    .filter((s) => s.drifted)
    .map((s) => ({ stack: s.stack, changes: s.changes.length }));
  // A refresh writes nothing else: the event is recorded on its own (published from the table).
  await deps.events.record([driftDetectedEvent(environment, report.checked_at, drifted, remediation)]);
}

/** When the next scheduled check is due after `from`. */
export function nextDriftCheck(settings: DriftCheckSettings, from: Date): string {
  return new Date(from.getTime() + settings.interval_hours * 3_600_000).toISOString();
}

export interface DriftSweepResult {
  checked: string[];
  drifted: string[];
  remediated: { environment_id: string; operation_id: string }[];
  errors: { environment_id: string; error: string }[];
}

/**
 * The sweeper's part: every environment whose check is due is claimed (its next check
 * moved on first, so two sweeps never check it twice), then checked if it is running.
 */
export async function runDueDriftChecks(deps: SweeperDeps, now: Date): Promise<DriftSweepResult> {
  const result: DriftSweepResult = { checked: [], drifted: [], remediated: [], errors: [] };
  for (const environment of await deps.schedules.listDriftDue(now.toISOString(), 100)) {
    const settings = environment.drift_check;
    const seen = environment.next_drift_check_at;
    if (!settings || !seen) continue;
    try {
      if (!(await deps.schedules.claimDriftCheck(environment.id, seen, nextDriftCheck(settings, now))))
        continue;
      // Busy or not running: this check is skipped, the next one is scheduled.
      if (environment.status !== 'running' || environment.active_deployment_id) continue;
      const report = await compare(deps, environment, null, now.toISOString());
      result.checked.push(environment.id);
      if (!report.changes_detected) continue;
      result.drifted.push(environment.id);
      if (!settings.remediate) {
        await announce(deps, environment, report, null);
        continue;
      }
      let remediation: string | null = null;
      try {
        const current = await deps.environments.get(environment.id);
        // Only what a person could do by hand: an update of a running environment.
        if (current?.status === 'running' && !current.active_deployment_id) {
          const targets = report.stacks.filter((s) => s.drifted).map((s) => s.stack);
          const started = await begin(deps, current, 'update', DRIFT_REMEDIATOR, {
            targets,
            reason: 'drift_remediation',
          });
          remediation = started.operation.id;
          result.remediated.push({ environment_id: environment.id, operation_id: remediation });
        }
      } finally {
        // Told either way: a remediation that could not start must not hide the drift.
        await announce(deps, environment, report, remediation);
      }
    } catch (error) {
      result.errors.push({
        environment_id: environment.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return result;
}

/** Who scheduled remediations run as. */
export const DRIFT_REMEDIATOR: Principal = {
  ...TTL_SWEEPER,
  userId: 'system:drift-check',
  name: 'Drift check',
};
