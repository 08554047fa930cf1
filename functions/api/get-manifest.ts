/** GET /environments/{env_id}/manifest — template, parameters and stacks as an editable document. */
import { etag } from '../domain/presenters.ts';
import { getManifest } from '../domain/services/manifest.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { environmentsRoutes } from './routes/environments.ts';

export const handler = httpRoute(environmentsRoutes.getManifest, async ({ principal, params }) => {
  const manifest = await getManifest(environmentDeps, principal, params.env_id);
  return { statusCode: 200, body: manifest, headers: etag(manifest) };
});
