/** The `approvals` function: every route of `routes/approvals.ts`, dispatched by method and path. */

import { handler as approveOperation } from '../handlers/approve-operation.ts';
import { handler as listApprovals } from '../handlers/list-approvals.ts';
import { handler as rejectOperation } from '../handlers/reject-operation.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { approvalsRoutes } from '../routes/approvals.ts';

export const handler = routeDispatcher(approvalsRoutes, {
  listApprovals,
  approveOperation,
  rejectOperation,
});
