/** The `stacks` function: every route of `routes/stacks.ts`, dispatched by method and path. */

import { handler as deleteStack } from '../handlers/delete-stack.ts';
import { handler as deployStack } from '../handlers/deploy-stack.ts';
import { handler as exportStack } from '../handlers/export-stack.ts';
import { handler as getOutputs } from '../handlers/get-outputs.ts';
import { handler as getStack } from '../handlers/get-stack.ts';
import { handler as listStacks } from '../handlers/list-stacks.ts';
import { handler as refreshEnvironment } from '../handlers/refresh-environment.ts';
import { handler as refreshStack } from '../handlers/refresh-stack.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { stacksRoutes } from '../routes/stacks.ts';

export const handler = routeDispatcher(stacksRoutes, {
  listStacks,
  getStack,
  getOutputs,
  deployStack,
  deleteStack,
  refreshStack,
  refreshEnvironment,
  exportStack,
});
