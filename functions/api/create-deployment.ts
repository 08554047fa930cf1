/** POST /environments/{env_id}/deployments — 202 with the pending deployment; its rollout runs on `deploy-release`. */
import { presentDeployment } from '../domain/presenters.ts';
import { createDeployment } from '../domain/services/deployments.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { deploymentDeps } from '../shared/dependencies.ts';
import { deploymentsRoutes } from './routes/deployments.ts';

export const handler = auditedRoute(
  deploymentsRoutes.createDeployment,
  async ({ principal, params, body }) => {
    const deployment = await createDeployment(deploymentDeps, principal, params.env_id, body);
    return { statusCode: 202, body: presentDeployment(deployment) };
  },
);
