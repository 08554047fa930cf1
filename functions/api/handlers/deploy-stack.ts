/** POST /environments/{env_id}/stacks/{stack}/deploy — re-provisions one stack (and, asked, its dependants): 202. */

import { environmentDeps } from '../../app/dependencies.ts';
import { deployStack } from '../../domain/use-cases/stacks.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { etag, presentEnvironment, presentOperation } from '../presenters.ts';
import { stacksRoutes } from '../routes/stacks.ts';

export const handler = auditedRoute(stacksRoutes.deployStack, async ({ principal, params, query }) => {
  const { environment, operation } = await deployStack(
    environmentDeps,
    principal,
    params.env_id,
    params.stack,
    {
      includeDependants: query.include_dependants === 'true',
    },
  );
  return {
    statusCode: 202,
    body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
    headers: etag(environment),
  };
});
