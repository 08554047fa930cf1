/** GET /templates/{name} */
import { NotFoundError } from '../../domain/errors.ts';
import { getTemplate } from '../../domain/templates.ts';
import { httpRoute } from '../http/http.ts';
import { presentTemplate } from '../presenters.ts';
import { catalogRoutes } from '../routes/catalog.ts';

export const handler = httpRoute(catalogRoutes.getTemplate, async ({ params }) => {
  const template = getTemplate(params.name);
  if (!template) throw new NotFoundError('Template', params.name);
  return { statusCode: 200, body: presentTemplate(template) };
});
