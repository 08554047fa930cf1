/** GET /audit — Administrators only; filters actor (user id or email), resource, since. */
import { listAudit } from '../../domain/use-cases/audit.ts';
import { auditStore } from '../http/audit.ts';
import { httpRoute } from '../http/http.ts';
import { insightsRoutes } from '../routes/insights.ts';

export const handler = httpRoute(insightsRoutes.listAudit, async ({ principal, query }) => {
  const page = await listAudit(auditStore, principal, query, query);
  return { statusCode: 200, body: page };
});
