/** GET /environments/{env_id}/stacks/{stack}/export — the stack's state document. */
import { exportStack } from '../domain/services/stacks.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { stacksRoutes } from './routes/stacks.ts';

export const handler = httpRoute(stacksRoutes.exportStack, async ({ principal, params }) => {
  return {
    statusCode: 200,
    body: await exportStack(environmentDeps, principal, params.env_id, params.stack),
  };
});
