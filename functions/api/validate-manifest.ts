/** POST /validate/manifest */
import { validateManifest } from '../domain/validation.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.validateManifest, async ({ body }) => ({
  statusCode: 200,
  body: validateManifest(body),
}));
