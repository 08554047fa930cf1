/** The `insights` function: every route of `routes/insights.ts`, dispatched by method and path. */

import { handler as getMetrics } from '../handlers/get-metrics.ts';
import { handler as listAudit } from '../handlers/list-audit.ts';
import { handler as listEvents } from '../handlers/list-events.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { insightsRoutes } from '../routes/insights.ts';

export const handler = routeDispatcher(insightsRoutes, {
  listEvents,
  listAudit,
  getMetrics,
});
