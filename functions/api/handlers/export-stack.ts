/** GET /environments/{env_id}/stacks/{stack}/export — the stack's state document. */

import { environmentDeps } from '../../app/dependencies.ts';
import { exportStack } from '../../domain/use-cases/stacks.ts';
import { httpRoute } from '../http/http.ts';
import { stacksRoutes } from '../routes/stacks.ts';

export const handler = httpRoute(stacksRoutes.exportStack, async ({ principal, params }) => {
  return {
    statusCode: 200,
    body: await exportStack(environmentDeps, principal, params.env_id, params.stack),
  };
});
