/** GET /environments — filters project_id, status, type; newest first. */
import { presentEnvironment } from '../domain/presenters.ts';
import { listEnvironments } from '../domain/services/environments.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { environmentsRoutes } from './routes/environments.ts';

export const handler = httpRoute(environmentsRoutes.listEnvironments, async ({ principal, query }) => {
  const page = await listEnvironments(environmentDeps, principal, query, query);
  return {
    statusCode: 200,
    body: { items: page.items.map(presentEnvironment), next_cursor: page.next_cursor },
  };
});
