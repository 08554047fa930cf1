/** POST /environments/{env_id}/stop — stops the compute stacks (202). */
import { etag, presentEnvironment, presentOperation } from '../domain/presenters.ts';
import { stopEnvironment } from '../domain/services/operations.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { environmentsRoutes } from './routes/environments.ts';

export const handler = auditedRoute(environmentsRoutes.stopEnvironment, async ({ principal, params }) => {
  const { environment, operation } = await stopEnvironment(environmentDeps, principal, params.env_id);
  return {
    statusCode: 202,
    body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
    headers: etag(environment),
  };
});
