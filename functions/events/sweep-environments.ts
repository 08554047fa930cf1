/**
 * Scheduled target (every minute in AWS; a timer in local mode, the same handler):
 * starts the teardown of ephemeral environments whose TTL has passed.
 */
import { type SweepResult, sweepExpiredEnvironments } from '../domain/services/ttl.ts';
import { simulationConfig } from '../shared/config.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { logger } from '../shared/observability.ts';

export const handler = async (): Promise<SweepResult> => {
  const result = await sweepExpiredEnvironments(environmentDeps, new Date(), {
    warningMinutes: simulationConfig().EXPIRY_WARNING_MINUTES,
  });
  if (result.errors.length > 0) logger.warn('TTL sweep could not start some destroys', { ...result });
  else if (result.started.length > 0 || result.deferred.length > 0 || result.warned.length > 0)
    logger.info('TTL sweep', { ...result });
  return result;
};
