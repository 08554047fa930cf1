/** GET /environments/{env_id} — with live progress. */
import { etag, presentEnvironment } from '../domain/presenters.ts';
import { getVisibleEnvironment } from '../domain/services/environments.ts';
import { environmentStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { environmentsRoutes } from './routes/environments.ts';

export const handler = httpRoute(environmentsRoutes.getEnvironment, async ({ principal, params }) => {
  const environment = await getVisibleEnvironment(environmentStore, principal, params.env_id);
  return { statusCode: 200, body: presentEnvironment(environment), headers: etag(environment) };
});
