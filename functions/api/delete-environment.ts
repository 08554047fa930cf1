/** DELETE /environments/{env_id} — starts teardown, layers in reverse (202). */
import { etag, presentEnvironment, presentOperation } from '../domain/presenters.ts';
import { destroyEnvironment } from '../domain/services/environments.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.deleteEnvironment, async ({ principal, params }) => {
  const { environment, operation } = await destroyEnvironment(environmentDeps, principal, params.env_id);
  return {
    statusCode: 202,
    body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
    headers: etag(environment),
  };
});
