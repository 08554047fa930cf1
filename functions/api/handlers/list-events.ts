/** GET /events — filters environment_id, type, since; newest first; your environments' events unless you see everything. */

import { insightsDeps } from '../../app/dependencies.ts';
import { listEvents } from '../../domain/use-cases/events.ts';
import { httpRoute } from '../http/http.ts';
import { insightsRoutes } from '../routes/insights.ts';

export const handler = httpRoute(insightsRoutes.listEvents, async ({ principal, query }) => {
  const { limit, cursor, ...filter } = query;
  const page = await listEvents(insightsDeps, principal, filter, {
    limit,
    cursor,
  });
  return { statusCode: 200, body: page };
});
