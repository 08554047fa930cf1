/** GET /environments/{env_id}/logs — filters stack, level, since, operation_id; oldest first. */

import { environmentDeps } from '../../app/dependencies.ts';
import { presentLogEvent } from '../../domain/logs.ts';
import { listLogs } from '../../domain/use-cases/operation-views.ts';
import { httpRoute } from '../http/http.ts';
import { operationsRoutes } from '../routes/operations.ts';

export const handler = httpRoute(operationsRoutes.listLogs, async ({ principal, params, query }) => {
  const { limit, cursor, ...filter } = query;
  const page = await listLogs(environmentDeps, principal, params.env_id, filter, { limit, cursor });
  return {
    statusCode: 200,
    body: { items: page.items.map(presentLogEvent), next_cursor: page.next_cursor },
  };
});
