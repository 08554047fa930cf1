/** GET /deployments/{deployment_id} — the deployment with its batches. */
import { presentDeployment } from '../domain/presenters.ts';
import { getDeployment } from '../domain/services/deployments.ts';
import { deploymentDeps } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { deploymentsRoutes } from './routes/deployments.ts';

export const handler = httpRoute(deploymentsRoutes.getDeployment, async ({ principal, params }) => {
  return {
    statusCode: 200,
    body: presentDeployment(await getDeployment(deploymentDeps, principal, params.deployment_id)),
  };
});
