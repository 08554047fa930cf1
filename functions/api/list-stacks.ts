/** GET /environments/{env_id}/stacks — in layer order. */
import { presentStack } from '../domain/presenters.ts';
import { listStacks } from '../domain/services/environments.ts';
import { environmentStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { stacksRoutes } from './routes/stacks.ts';

export const handler = httpRoute(stacksRoutes.listStacks, async ({ principal, params }) => {
  const stacks = await listStacks(environmentStore, principal, params.env_id);
  return { statusCode: 200, body: { items: stacks.map(presentStack), next_cursor: null } };
});
