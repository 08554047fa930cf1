/** Step (Catch target of the rollout): roll back to the previous version, or fail when there is none. */
import { type RollbackInput, rollBackDeployment } from '../domain/services/deployments.ts';
import { deploymentStepDeps, workflowSettings } from '../shared/dependencies.ts';

export const handler = (input: RollbackInput) =>
  rollBackDeployment(deploymentStepDeps, workflowSettings(), input);
