/** Step (Catch target of the rollout): roll back to the previous version, or fail when there is none. */

import { deploymentStepDeps } from '../app/dependencies.ts';
import { type RollbackInput, rollBackDeployment } from '../domain/use-cases/deployments.ts';

export const handler = (input: RollbackInput) => rollBackDeployment(deploymentStepDeps, input);
