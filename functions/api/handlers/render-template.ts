/** POST /templates/{name}/render */
import { catalogDeps } from '../../app/dependencies.ts';
import { renderTemplate } from '../../domain/use-cases/catalog.ts';
import { httpRoute } from '../http/http.ts';
import { catalogRoutes } from '../routes/catalog.ts';

export const handler = httpRoute(catalogRoutes.renderTemplate, async ({ params, body }) => ({
  statusCode: 200,
  body: renderTemplate(catalogDeps, params.name, body),
}));
