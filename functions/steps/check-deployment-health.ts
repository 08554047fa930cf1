/** Step: the simulated health check after a batch; throws `HealthCheckFailedError` (caught: rollback). */

import { deploymentStepDeps } from '../app/dependencies.ts';
import { type BatchInput, checkBatchHealth } from '../domain/use-cases/deployments.ts';

export const handler = (input: BatchInput) => checkBatchHealth(deploymentStepDeps, input);
