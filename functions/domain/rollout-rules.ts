/**
 * Application deployments (issue 4, item 2): the rules, without I/O. A rollout goes in
 * batches (rolling: 25 %, 50 %, 100 % of the instances; all at once: one batch of 100 %)
 * with a simulated health check after each. A failed check stops the rollout and rolls
 * back to the previous successful version (`rolled_back`); with no previous version
 * there is nothing to go back to and the deployment ends `failed`.
 */
import type { DeploymentBatch, DeploymentRecord, DeploymentSimulation } from './model.ts';
import { createRng } from './random.ts';
import type { DeploymentStrategyValue } from './vocabulary.ts';

/** Share of instances on the new version after each batch. */
export const ROLLOUT_PLANS: Record<DeploymentStrategyValue, readonly number[]> = {
  rolling: [25, 50, 100],
  all_at_once: [100],
};

/** Instances the simulated service runs (health checks report on them). */
export const SIMULATED_INSTANCES = 8;

/** Simulated seconds (before `SIMULATION_TIME_SCALE`) a batch takes to roll out, and a rollback. */
const BATCH_SECONDS: Record<DeploymentStrategyValue, number> = { rolling: 20, all_at_once: 45 };
const ROLLBACK_SECONDS = 15;

/** Thrown by a health check that fails: the state machine catches it and rolls back. */
export class HealthCheckFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HealthCheckFailedError';
  }
}

export function plannedBatches(strategy: DeploymentStrategyValue): DeploymentBatch[] {
  return ROLLOUT_PLANS[strategy].map((percent, i) => ({
    number: i + 1,
    percent,
    status: 'pending',
    started_at: null,
    finished_at: null,
  }));
}

/** Instances on the new version once `percent` of them are (at least one). */
export function instancesAt(percent: number): number {
  return Math.max(1, Math.round((SIMULATED_INSTANCES * percent) / 100));
}

/** Whole seconds: a Wait state's `SecondsPath` must be a non-negative integer in Step Functions. */
export function batchWaitSeconds(strategy: DeploymentStrategyValue, timeScale: number): number {
  return Math.max(0, Math.round(BATCH_SECONDS[strategy] * timeScale));
}

export function rollbackWaitSeconds(timeScale: number): number {
  return Math.max(0, Math.round(ROLLBACK_SECONDS * timeScale));
}

export interface HealthResult {
  healthy: boolean;
  /** Instances of the batch that failed their check (0 when healthy). */
  unhealthy: number;
  instances: number;
}

/**
 * The simulated health check of one batch. Deterministic per deployment and batch, so a
 * failing rollout can be reproduced; `fail_at_batch` forces a failure on that batch.
 */
export function checkHealth(
  deployment: Pick<DeploymentRecord, 'id'>,
  simulate: DeploymentSimulation | null,
  batch: Pick<DeploymentBatch, 'number' | 'percent'>,
): HealthResult {
  const instances = instancesAt(batch.percent);
  const rng = createRng(`${deployment.id}:health:${batch.number}`);
  const forced = simulate?.fail_at_batch === batch.number;
  const drawn = rng.next() < (simulate?.health_check_failure_rate ?? 0);
  if (!forced && !drawn) return { healthy: true, unhealthy: 0, instances };
  return { healthy: false, unhealthy: rng.int(1, instances), instances };
}

/** How a deployment ends after a failed batch: back to the previous version, or failed. */
export function failureOutcome(
  deployment: Pick<DeploymentRecord, 'previous_version'>,
): 'rolled_back' | 'failed' {
  return deployment.previous_version ? 'rolled_back' : 'failed';
}
