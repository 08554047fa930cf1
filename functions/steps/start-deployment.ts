/** Step: `pending` → `running`; plans the rollout's batches (the Map state's items). */

import { deploymentStepDeps } from '../app/dependencies.ts';
import { type DeploymentRef, startDeployment } from '../domain/use-cases/deployments.ts';

export const handler = (input: DeploymentRef) => startDeployment(deploymentStepDeps, input);
