/** POST /validate/manifest */
import { validateManifest } from '../../domain/validation/validate-manifest.ts';
import { httpRoute } from '../http/http.ts';
import { catalogRoutes } from '../routes/catalog.ts';

export const handler = httpRoute(catalogRoutes.validateManifest, async ({ body }) => ({
  statusCode: 200,
  body: validateManifest(body),
}));
