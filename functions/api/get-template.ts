/** GET /templates/{name} */
import { NotFoundError } from '../domain/errors.ts';
import { presentTemplate } from '../domain/presenters.ts';
import { getTemplate } from '../domain/templates.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.getTemplate, async ({ params }) => {
  const template = getTemplate(params.name);
  if (!template) throw new NotFoundError('Template', params.name);
  return { statusCode: 200, body: presentTemplate(template) };
});
