/** GET /deployments/{deployment_id}/logs — the rollout's log lines, oldest first. */

import { deploymentDeps } from '../../app/dependencies.ts';
import { presentLogEvent } from '../../domain/logs.ts';
import { listDeploymentLogs } from '../../domain/use-cases/deployments.ts';
import { httpRoute } from '../http/http.ts';
import { deploymentsRoutes } from '../routes/deployments.ts';

export const handler = httpRoute(
  deploymentsRoutes.listDeploymentLogs,
  async ({ principal, params, query }) => {
    const page = await listDeploymentLogs(deploymentDeps, principal, params.deployment_id, query);
    return {
      statusCode: 200,
      body: { items: page.items.map(presentLogEvent), next_cursor: page.next_cursor },
    };
  },
);
