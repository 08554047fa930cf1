/** POST /environments/{env_id}/refresh — refreshes every provisioned stack; records drift. */
import { refresh } from '../domain/services/drift.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.refreshEnvironment, async ({ principal, params }) => {
  return { statusCode: 200, body: await refresh(environmentDeps, principal, params.env_id, null) };
});
