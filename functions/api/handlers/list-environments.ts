/** GET /environments — filters project_id, status, type; newest first. */

import { environmentDeps } from '../../app/dependencies.ts';
import { listEnvironments } from '../../domain/use-cases/environments.ts';
import { httpRoute } from '../http/http.ts';
import { presentEnvironment } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

export const handler = httpRoute(environmentsRoutes.listEnvironments, async ({ principal, query }) => {
  const page = await listEnvironments(environmentDeps, principal, query, query);
  return {
    statusCode: 200,
    body: { items: page.items.map(presentEnvironment), next_cursor: page.next_cursor },
  };
});
