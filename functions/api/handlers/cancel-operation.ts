/** POST /operations/{op_id}/cancel — in-flight stacks finish, nothing new starts (202). */

import { approvalDeps } from '../../app/dependencies.ts';
import { cancelOperation } from '../../domain/use-cases/operation-views.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { presentOperationView } from '../presenters.ts';
import { operationsRoutes } from '../routes/operations.ts';

export const handler = auditedRoute(operationsRoutes.cancelOperation, async ({ principal, params }) => ({
  statusCode: 202,
  body: presentOperationView(await cancelOperation(approvalDeps, principal, params.op_id)),
}));
