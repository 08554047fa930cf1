/** Step: end the deployment (succeeded, or the outcome of its rollback) and release the environment. */

import { deploymentStepDeps } from '../app/dependencies.ts';
import { type FinishInput, finishDeployment } from '../domain/use-cases/deployments.ts';

export const handler = (input: FinishInput) => finishDeployment(deploymentStepDeps, input);
