/** GET /environments/{env_id}/stacks — in layer order. */

import { environmentDeps } from '../../app/dependencies.ts';
import { listStacks } from '../../domain/use-cases/environments.ts';
import { httpRoute } from '../http/http.ts';
import { presentStack } from '../presenters.ts';
import { stacksRoutes } from '../routes/stacks.ts';

export const handler = httpRoute(stacksRoutes.listStacks, async ({ principal, params }) => {
  const stacks = await listStacks(environmentDeps, principal, params.env_id);
  return { statusCode: 200, body: { items: stacks.map(presentStack), next_cursor: null } };
});
