/** GET /audit — Administrators only; filters actor (user id or email), resource, since. */
import { insightsDeps } from '../../app/dependencies.ts';
import { listAudit } from '../../domain/use-cases/audit.ts';
import { httpRoute } from '../http/http.ts';
import { insightsRoutes } from '../routes/insights.ts';

export const handler = httpRoute(insightsRoutes.listAudit, async ({ principal, query }) => {
  const page = await listAudit(insightsDeps, principal, query, query);
  return { statusCode: 200, body: page };
});
