/** Step: `pending` → `running`; plans the rollout's batches (the Map state's items). */
import { type DeploymentRef, startDeployment } from '../domain/services/deployments.ts';
import { deploymentStepDeps } from '../shared/dependencies.ts';

export const handler = (input: DeploymentRef) => startDeployment(deploymentStepDeps, input);
