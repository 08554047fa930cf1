/** The `operations` function: every route of `routes/operations.ts`, dispatched by method and path. */

import { handler as cancelOperation } from '../handlers/cancel-operation.ts';
import { handler as getOperation } from '../handlers/get-operation.ts';
import { handler as listLogs } from '../handlers/list-logs.ts';
import { handler as listOperations } from '../handlers/list-operations.ts';
import { handler as retryOperation } from '../handlers/retry-operation.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { operationsRoutes } from '../routes/operations.ts';

export const handler = routeDispatcher(operationsRoutes, {
  listOperations,
  getOperation,
  cancelOperation,
  retryOperation,
  listLogs,
});
