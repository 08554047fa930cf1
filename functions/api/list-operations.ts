/** GET /environments/{env_id}/operations — newest first. */
import { presentOperationView } from '../domain/presenters.ts';
import { listOperations } from '../domain/services/operations.ts';
import { environmentStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { operationsRoutes } from './routes/operations.ts';

export const handler = httpRoute(operationsRoutes.listOperations, async ({ principal, params, query }) => {
  const page = await listOperations(environmentStore, principal, params.env_id, query);
  return {
    statusCode: 200,
    body: { items: page.items.map(presentOperationView), next_cursor: page.next_cursor },
  };
});
