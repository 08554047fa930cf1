/** GET /operations/{op_id} — with live progress and each stack's status. */
import { presentOperationView } from '../domain/presenters.ts';
import { getOperation } from '../domain/services/operations.ts';
import { environmentStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { operationsRoutes } from './routes/operations.ts';

export const handler = httpRoute(operationsRoutes.getOperation, async ({ principal, params }) => ({
  statusCode: 200,
  body: presentOperationView(await getOperation(environmentStore, principal, params.op_id)),
}));
