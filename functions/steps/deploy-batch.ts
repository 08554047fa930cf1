/** Step: start one batch of the rollout; the Wait state then sleeps `wait_seconds`. */
import { type BatchInput, deployBatch } from '../domain/services/deployments.ts';
import { deploymentStepDeps, workflowSettings } from '../shared/dependencies.ts';

export const handler = (input: BatchInput) => deployBatch(deploymentStepDeps, workflowSettings(), input);
