/** GET /environments/{env_id}/stacks/{stack} */
import { presentStack } from '../domain/presenters.ts';
import { getStack } from '../domain/services/environments.ts';
import { environmentStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { stacksRoutes } from './routes/stacks.ts';

export const handler = httpRoute(stacksRoutes.getStack, async ({ principal, params }) => {
  const stack = await getStack(environmentStore, principal, params.env_id, params.stack);
  return { statusCode: 200, body: presentStack(stack) };
});
