/**
 * Scheduled target (every minute in AWS; a timer in local mode, the same handler):
 * warns of ephemeral environments about to expire and starts the teardown of those whose
 * TTL has passed; runs the scheduled drift checks that are due (remediating if asked);
 * also fails deployments whose rollout never started, so they do not hold their
 * environment forever.
 */

import type { Context } from 'aws-lambda';
import { deploymentStepDeps, sweeperDeps } from '../app/dependencies.ts';
import { failStalledDeployments } from '../domain/use-cases/deployments.ts';
import { type DriftSweepResult, runDueDriftChecks } from '../domain/use-cases/drift.ts';
import { type SweepResult, sweepExpiredEnvironments } from '../domain/use-cases/ttl.ts';
import { logger, withLogContext } from '../platform/observability.ts';

export type SweepReport = SweepResult & { stalled_deployments: string[]; drift: DriftSweepResult };

export const handler = (_event?: unknown, context?: Context): Promise<SweepReport> =>
  withLogContext(context, context?.awsRequestId, {}, sweep);

async function sweep(): Promise<SweepReport> {
  const now = new Date();
  const result = await sweepExpiredEnvironments(sweeperDeps, now);
  const stalled = await failStalledDeployments(deploymentStepDeps, now);
  const drift = await runDueDriftChecks(sweeperDeps, now);
  const report = { ...result, stalled_deployments: stalled, drift };
  if (result.errors.length > 0 || drift.errors.length > 0)
    logger.warn('The sweep could not do everything', { ...report });
  else if (
    [result.started, result.deferred, result.warned, stalled, drift.checked].some((list) => list.length > 0)
  )
    logger.info('TTL sweep', { ...report });
  return report;
}
