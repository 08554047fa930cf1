/** GET /environments/{env_id}/outputs — outputs of every existing stack, by stack. */
import { getOutputs } from '../domain/services/environments.ts';
import { environmentStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { stacksRoutes } from './routes/stacks.ts';

export const handler = httpRoute(stacksRoutes.getOutputs, async ({ principal, params }) => {
  const outputs = await getOutputs(environmentStore, principal, params.env_id);
  return { statusCode: 200, body: { environment_id: params.env_id, outputs } };
});
