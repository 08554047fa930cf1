/** DELETE /environments/{env_id}/stacks/{stack} — destroys one stack (with cascade, its dependants first): 202. */
import { etag, presentEnvironment, presentOperation } from '../domain/presenters.ts';
import { deleteStack } from '../domain/services/stacks.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { stacksRoutes } from './routes/stacks.ts';

export const handler = auditedRoute(stacksRoutes.deleteStack, async ({ principal, params, query }) => {
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
