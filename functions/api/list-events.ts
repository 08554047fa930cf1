/** GET /events — filters environment_id, type, since; newest first; your environments' events unless you see everything. */
import { listEvents } from '../domain/services/events.ts';
import { environmentStore, eventStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { insightsRoutes } from './routes/insights.ts';

export const handler = httpRoute(insightsRoutes.listEvents, async ({ principal, query }) => {
  const { limit, cursor, ...filter } = query;
  const page = await listEvents({ events: eventStore, environments: environmentStore }, principal, filter, {
    limit,
    cursor,
  });
  return { statusCode: 200, body: page };
});
