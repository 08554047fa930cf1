/** GET /environments/{env_id}/deployments — newest first. */
import { presentDeployment } from '../domain/presenters.ts';
import { listDeployments } from '../domain/services/deployments.ts';
import { deploymentDeps } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { deploymentsRoutes } from './routes/deployments.ts';

export const handler = httpRoute(deploymentsRoutes.listDeployments, async ({ principal, params, query }) => {
  const page = await listDeployments(deploymentDeps, principal, params.env_id, query);
  return {
    statusCode: 200,
    body: { items: page.items.map(presentDeployment), next_cursor: page.next_cursor },
  };
});
