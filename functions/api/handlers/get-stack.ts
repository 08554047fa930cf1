/** GET /environments/{env_id}/stacks/{stack} */

import { environmentDeps } from '../../app/dependencies.ts';
import { getStack } from '../../domain/use-cases/environments.ts';
import { httpRoute } from '../http/http.ts';
import { presentStack } from '../presenters.ts';
import { stacksRoutes } from '../routes/stacks.ts';

export const handler = httpRoute(stacksRoutes.getStack, async ({ principal, params }) => {
  const stack = await getStack(environmentDeps, principal, params.env_id, params.stack);
  return { statusCode: 200, body: presentStack(stack) };
});
