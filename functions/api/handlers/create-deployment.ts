/** POST /environments/{env_id}/deployments — 202 with the pending deployment; its rollout runs on `deploy-release`. */

import { deploymentDeps } from '../../app/dependencies.ts';
import { createDeployment } from '../../domain/use-cases/deployments.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { presentDeployment } from '../presenters.ts';
import { deploymentsRoutes } from '../routes/deployments.ts';

export const handler = auditedRoute(
  deploymentsRoutes.createDeployment,
  async ({ principal, params, body }) => {
    const deployment = await createDeployment(deploymentDeps, principal, params.env_id, body);
    return { statusCode: 202, body: presentDeployment(deployment) };
  },
);
