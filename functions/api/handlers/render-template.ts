/** POST /templates/{name}/render */
import { NotFoundError } from '../../domain/errors.ts';
import { getTemplate } from '../../domain/templates.ts';
import { renderManifest } from '../../domain/validation.ts';
import { simulationConfig } from '../../platform/config.ts';
import { httpRoute } from '../http/http.ts';
import { catalogRoutes } from '../routes/catalog.ts';

export const handler = httpRoute(catalogRoutes.renderTemplate, async ({ params, body }) => {
  const template = getTemplate(params.name);
  if (!template) throw new NotFoundError('Template', params.name);
  const config = simulationConfig();
  return {
    statusCode: 200,
    body: renderManifest(template, body, {
      region: config.DEFAULT_REGION,
      accountId: config.DEFAULT_ACCOUNT_ID,
    }),
  };
});
