/** POST /environments/{env_id}/deployments — 202 with the pending deployment; its rollout runs on `deploy-release`. */
import { presentDeployment } from '../domain/presenters.ts';
import { createDeployment } from '../domain/services/deployments.ts';
import { deploymentDeps } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.createDeployment, async ({ principal, params, body }) => {
  const deployment = await createDeployment(deploymentDeps, principal, params.env_id, body);
  return { statusCode: 202, body: presentDeployment(deployment) };
});
