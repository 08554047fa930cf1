/** GET /deployments/{deployment_id} — the deployment with its batches. */

import { deploymentDeps } from '../../app/dependencies.ts';
import { getDeployment } from '../../domain/use-cases/deployments.ts';
import { httpRoute } from '../http/http.ts';
import { presentDeployment } from '../presenters.ts';
import { deploymentsRoutes } from '../routes/deployments.ts';

export const handler = httpRoute(deploymentsRoutes.getDeployment, async ({ principal, params }) => {
  return {
    statusCode: 200,
    body: presentDeployment(await getDeployment(deploymentDeps, principal, params.deployment_id)),
  };
});
