/** POST /environments/{env_id}/stop — stops the compute stacks (202). */
import { etag, presentEnvironment, presentOperation } from '../domain/presenters.ts';
import { stopEnvironment } from '../domain/services/operations.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.stopEnvironment, async ({ principal, params }) => {
  const { environment, operation } = await stopEnvironment(environmentDeps, principal, params.env_id);
  return {
    statusCode: 202,
    body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
    headers: etag(environment),
  };
});
