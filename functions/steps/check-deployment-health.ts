/** Step: the simulated health check after a batch; throws `HealthCheckFailedError` (caught: rollback). */
import { type BatchInput, checkBatchHealth } from '../domain/services/deployments.ts';
import { deploymentStepDeps } from '../shared/dependencies.ts';

export const handler = (input: BatchInput) => checkBatchHealth(deploymentStepDeps, input);
