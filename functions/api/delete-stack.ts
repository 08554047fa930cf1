/** DELETE /environments/{env_id}/stacks/{stack} — destroys one stack (with cascade, its dependants first): 202. */
import { etag, presentEnvironment, presentOperation } from '../domain/presenters.ts';
import { deleteStack } from '../domain/services/stacks.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.deleteStack, async ({ principal, params, query }) => {
  const { environment, operation } = await deleteStack(
    environmentDeps,
    principal,
    params.env_id,
    params.stack,
    {
      cascade: query.cascade === 'true',
    },
  );
  return {
    statusCode: 202,
    body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
    headers: etag(environment),
  };
});
