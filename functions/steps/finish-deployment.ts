/** Step: end the deployment (succeeded, or the outcome of its rollback) and release the environment. */
import { type FinishInput, finishDeployment } from '../domain/services/deployments.ts';
import { deploymentStepDeps } from '../shared/dependencies.ts';

export const handler = (input: FinishInput) => finishDeployment(deploymentStepDeps, input);
