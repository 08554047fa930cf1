/** POST /operations/{op_id}/cancel — in-flight stacks finish, nothing new starts (202). */
import { presentOperationView } from '../domain/presenters.ts';
import { cancelOperation } from '../domain/services/operations.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { environmentStore } from '../shared/dependencies.ts';
import { operationsRoutes } from './routes/operations.ts';

export const handler = auditedRoute(operationsRoutes.cancelOperation, async ({ principal, params }) => ({
  statusCode: 202,
  body: presentOperationView(await cancelOperation(environmentStore, principal, params.op_id)),
}));
