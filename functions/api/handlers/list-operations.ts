/** GET /environments/{env_id}/operations — newest first. */

import { environmentDeps } from '../../app/dependencies.ts';
import { listOperations } from '../../domain/use-cases/operation-views.ts';
import { httpRoute } from '../http/http.ts';
import { presentOperationView } from '../presenters.ts';
import { operationsRoutes } from '../routes/operations.ts';

export const handler = httpRoute(operationsRoutes.listOperations, async ({ principal, params, query }) => {
  const page = await listOperations(environmentDeps, principal, params.env_id, query);
  return {
    statusCode: 200,
    body: { items: page.items.map(presentOperationView), next_cursor: page.next_cursor },
  };
});
