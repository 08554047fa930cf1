/**
 * Scheduled target (every minute in AWS; a timer in local mode, the same handler):
 * warns of ephemeral environments about to expire and starts the teardown of those whose
 * TTL has passed; also fails deployments whose rollout never started, so they do not hold
 * their environment forever.
 */
import { failStalledDeployments } from '../domain/services/deployments.ts';
import { type SweepResult, sweepExpiredEnvironments } from '../domain/services/ttl.ts';
import { simulationConfig } from '../shared/config.ts';
import { deploymentStepDeps, environmentDeps } from '../shared/dependencies.ts';
import { logger } from '../shared/observability.ts';

export type SweepReport = SweepResult & { stalled_deployments: string[] };

export const handler = async (): Promise<SweepReport> => {
  const now = new Date();
  const result = await sweepExpiredEnvironments(environmentDeps, now, {
    warningMinutes: simulationConfig().EXPIRY_WARNING_MINUTES,
  });
  const stalled = await failStalledDeployments(deploymentStepDeps, now);
  const report = { ...result, stalled_deployments: stalled };
  if (result.errors.length > 0) logger.warn('TTL sweep could not start some destroys', { ...report });
  else if ([result.started, result.deferred, result.warned, stalled].some((list) => list.length > 0))
    logger.info('TTL sweep', { ...report });
  return report;
};
