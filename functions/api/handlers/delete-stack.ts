/** DELETE /environments/{env_id}/stacks/{stack} — destroys one stack (with cascade, its dependants first): 202. */

import { environmentDeps } from '../../app/dependencies.ts';
import { deleteStack } from '../../domain/use-cases/stacks.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { etag, presentEnvironment, presentOperation } from '../presenters.ts';
import { stacksRoutes } from '../routes/stacks.ts';

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
