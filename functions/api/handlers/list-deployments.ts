/** GET /environments/{env_id}/deployments — newest first. */

import { deploymentDeps } from '../../app/dependencies.ts';
import { listDeployments } from '../../domain/use-cases/deployments.ts';
import { httpRoute } from '../http/http.ts';
import { presentDeployment } from '../presenters.ts';
import { deploymentsRoutes } from '../routes/deployments.ts';

export const handler = httpRoute(deploymentsRoutes.listDeployments, async ({ principal, params, query }) => {
  const page = await listDeployments(deploymentDeps, principal, params.env_id, query);
  return {
    statusCode: 200,
    body: { items: page.items.map(presentDeployment), next_cursor: page.next_cursor },
  };
});
