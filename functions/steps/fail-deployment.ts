/** Step (catch-all): end the deployment as failed with a user-safe reason and release the environment. */
import { failDeployment, type RollbackInput } from '../domain/services/deployments.ts';
import { deploymentStepDeps } from '../shared/dependencies.ts';

export const handler = (input: RollbackInput) => failDeployment(deploymentStepDeps, input);
