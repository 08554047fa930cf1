/** The `stacks` function: every route of `routes/stacks.ts`, dispatched by method and path. */

import { routeDispatcher } from '../../shared/route-dispatch.ts';
import { handler as deleteStack } from '../delete-stack.ts';
import { handler as deployStack } from '../deploy-stack.ts';
import { handler as exportStack } from '../export-stack.ts';
import { handler as getOutputs } from '../get-outputs.ts';
import { handler as getStack } from '../get-stack.ts';
import { handler as listStacks } from '../list-stacks.ts';
import { handler as refreshEnvironment } from '../refresh-environment.ts';
import { handler as refreshStack } from '../refresh-stack.ts';
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
