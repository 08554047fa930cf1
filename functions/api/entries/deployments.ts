/** The `deployments` function: every route of `routes/deployments.ts`, dispatched by method and path. */

import { routeDispatcher } from '../../shared/route-dispatch.ts';
import { handler as createDeployment } from '../create-deployment.ts';
import { handler as getDeployment } from '../get-deployment.ts';
import { handler as listDeploymentLogs } from '../list-deployment-logs.ts';
import { handler as listDeployments } from '../list-deployments.ts';
import { deploymentsRoutes } from '../routes/deployments.ts';

export const handler = routeDispatcher(deploymentsRoutes, {
  createDeployment,
  listDeployments,
  getDeployment,
  listDeploymentLogs,
});
