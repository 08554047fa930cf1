/** GET /templates */
import { presentTemplateSummary } from '../domain/presenters.ts';
import { listTemplates } from '../domain/templates.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.listTemplates, async () => ({
  statusCode: 200,
  body: { items: listTemplates().map(presentTemplateSummary), next_cursor: null },
}));
