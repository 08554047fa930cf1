/** POST /environments/{env_id}/stop — stops the compute stacks (202). */

import { environmentDeps } from '../../app/dependencies.ts';
import { stopEnvironment } from '../../domain/use-cases/operations.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { etag, presentEnvironment, presentOperation } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

export const handler = auditedRoute(environmentsRoutes.stopEnvironment, async ({ principal, params }) => {
  const { environment, operation } = await stopEnvironment(environmentDeps, principal, params.env_id);
  return {
    statusCode: 202,
    body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
    headers: etag(environment),
  };
});
