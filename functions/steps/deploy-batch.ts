/** Step: start one batch of the rollout; the Wait state then sleeps `wait_seconds`. */

import { deploymentStepDeps } from '../app/dependencies.ts';
import { type BatchInput, deployBatch } from '../domain/use-cases/deployments.ts';

export const handler = (input: BatchInput) => deployBatch(deploymentStepDeps, input);
