/** GET /environments/{env_id} — with live progress. */

import { environmentDeps } from '../../app/dependencies.ts';
import { getVisibleEnvironment } from '../../domain/use-cases/environments.ts';
import { httpRoute } from '../http/http.ts';
import { etag, presentEnvironment } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

export const handler = httpRoute(environmentsRoutes.getEnvironment, async ({ principal, params }) => {
  const environment = await getVisibleEnvironment(environmentDeps, principal, params.env_id);
  return { statusCode: 200, body: presentEnvironment(environment), headers: etag(environment) };
});
