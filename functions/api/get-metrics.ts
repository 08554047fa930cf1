/** GET /metrics?period=1h|24h|7d|30d — platform counters over the period, read from hourly counters. */
import { getMetrics } from '../domain/services/events.ts';
import { metricsStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { insightsRoutes } from './routes/insights.ts';

export const handler = httpRoute(insightsRoutes.getMetrics, async ({ query }) => {
  return { statusCode: 200, body: await getMetrics(metricsStore, query.period, new Date()) };
});
