/** POST /environments/{env_id}/start — starts the compute stacks again (202). */
import { etag, presentEnvironment, presentOperation } from '../domain/presenters.ts';
import { startEnvironment } from '../domain/services/operations.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { environmentsRoutes } from './routes/environments.ts';

export const handler = auditedRoute(environmentsRoutes.startEnvironment, async ({ principal, params }) => {
  const { environment, operation } = await startEnvironment(environmentDeps, principal, params.env_id);
  return {
    statusCode: 202,
    body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
    headers: etag(environment),
  };
});
