/** GET /templates */

import { listTemplates } from '../../domain/templates.ts';
import { httpRoute } from '../http/http.ts';
import { presentTemplateSummary } from '../presenters.ts';
import { catalogRoutes } from '../routes/catalog.ts';

export const handler = httpRoute(catalogRoutes.listTemplates, async () => ({
  statusCode: 200,
  body: { items: listTemplates().map(presentTemplateSummary), next_cursor: null },
}));
