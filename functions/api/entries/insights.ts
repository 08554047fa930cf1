/** The `insights` function: every route of `routes/insights.ts`, dispatched by method and path. */

import { routeDispatcher } from '../../shared/route-dispatch.ts';
import { handler as getMetrics } from '../get-metrics.ts';
import { handler as listAudit } from '../list-audit.ts';
import { handler as listEvents } from '../list-events.ts';
import { insightsRoutes } from '../routes/insights.ts';

export const handler = routeDispatcher(insightsRoutes, {
  listEvents,
  listAudit,
  getMetrics,
});
