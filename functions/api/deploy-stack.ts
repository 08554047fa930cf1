/** POST /environments/{env_id}/stacks/{stack}/deploy — re-provisions one stack (and, asked, its dependants): 202. */
import { etag, presentEnvironment, presentOperation } from '../domain/presenters.ts';
import { deployStack } from '../domain/services/stacks.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { stacksRoutes } from './routes/stacks.ts';

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
