/** POST /environments/{env_id}/refresh — refreshes every provisioned stack; records drift. */
import { refresh } from '../domain/services/drift.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { stacksRoutes } from './routes/stacks.ts';

export const handler = auditedRoute(stacksRoutes.refreshEnvironment, async ({ principal, params }) => {
  return { statusCode: 200, body: await refresh(environmentDeps, principal, params.env_id, null) };
});
