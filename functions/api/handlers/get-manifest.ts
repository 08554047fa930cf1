/** GET /environments/{env_id}/manifest — template, parameters and stacks as an editable document. */

import { environmentDeps } from '../../app/dependencies.ts';
import { getManifest } from '../../domain/use-cases/manifest.ts';
import { httpRoute } from '../http/http.ts';
import { etag } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

export const handler = httpRoute(environmentsRoutes.getManifest, async ({ principal, params }) => {
  const manifest = await getManifest(environmentDeps, principal, params.env_id);
  return { statusCode: 200, body: manifest, headers: etag(manifest) };
});
