/** GET /metrics?period=1h|24h|7d|30d — platform counters over the period, read from hourly counters. */

import { insightsDeps } from '../../app/dependencies.ts';
import { getMetrics } from '../../domain/use-cases/events.ts';
import { httpRoute } from '../http/http.ts';
import { insightsRoutes } from '../routes/insights.ts';

export const handler = httpRoute(insightsRoutes.getMetrics, async ({ query }) => {
  return { statusCode: 200, body: await getMetrics(insightsDeps, query.period, new Date()) };
});
