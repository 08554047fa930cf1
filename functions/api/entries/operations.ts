/** The `operations` function: every route of `routes/operations.ts`, dispatched by method and path. */

import { routeDispatcher } from '../../shared/route-dispatch.ts';
import { handler as cancelOperation } from '../cancel-operation.ts';
import { handler as getOperation } from '../get-operation.ts';
import { handler as listLogs } from '../list-logs.ts';
import { handler as listOperations } from '../list-operations.ts';
import { handler as retryOperation } from '../retry-operation.ts';
import { operationsRoutes } from '../routes/operations.ts';

export const handler = routeDispatcher(operationsRoutes, {
  listOperations,
  getOperation,
  cancelOperation,
  retryOperation,
  listLogs,
});
