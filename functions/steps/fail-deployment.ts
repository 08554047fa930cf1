/** Step (catch-all): end the deployment as failed with a user-safe reason and release the environment. */

import { deploymentStepDeps } from '../app/dependencies.ts';
import { failDeployment, type RollbackInput } from '../domain/use-cases/deployments.ts';

export const handler = (input: RollbackInput) => failDeployment(deploymentStepDeps, input);
