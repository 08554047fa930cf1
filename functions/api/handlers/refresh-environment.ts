/** POST /environments/{env_id}/refresh — refreshes every provisioned stack; records drift. */

import { environmentDeps } from '../../app/dependencies.ts';
import { refresh } from '../../domain/use-cases/drift.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { stacksRoutes } from '../routes/stacks.ts';

export const handler = auditedRoute(stacksRoutes.refreshEnvironment, async ({ principal, params }) => {
  return { statusCode: 200, body: await refresh(environmentDeps, principal, params.env_id, null) };
});
