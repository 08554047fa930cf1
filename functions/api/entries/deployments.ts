/** The `deployments` function: every route of `routes/deployments.ts`, dispatched by method and path. */

import { handler as createDeployment } from '../handlers/create-deployment.ts';
import { handler as getDeployment } from '../handlers/get-deployment.ts';
import { handler as listDeploymentLogs } from '../handlers/list-deployment-logs.ts';
import { handler as listDeployments } from '../handlers/list-deployments.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { deploymentsRoutes } from '../routes/deployments.ts';

export const handler = routeDispatcher(deploymentsRoutes, {
  createDeployment,
  listDeployments,
  getDeployment,
  listDeploymentLogs,
});
