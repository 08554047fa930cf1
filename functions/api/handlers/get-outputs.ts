/** GET /environments/{env_id}/outputs — outputs of every existing stack, by stack. */

import { environmentDeps } from '../../app/dependencies.ts';
import { getOutputs } from '../../domain/use-cases/environments.ts';
import { httpRoute } from '../http/http.ts';
import { stacksRoutes } from '../routes/stacks.ts';

export const handler = httpRoute(stacksRoutes.getOutputs, async ({ principal, params }) => {
  const outputs = await getOutputs(environmentDeps, principal, params.env_id);
  return { statusCode: 200, body: { environment_id: params.env_id, outputs } };
});
