/** GET /operations/{op_id} — with live progress and each stack's status. */

import { environmentDeps } from '../../app/dependencies.ts';
import { getOperation } from '../../domain/use-cases/operation-views.ts';
import { httpRoute } from '../http/http.ts';
import { presentOperationView } from '../presenters.ts';
import { operationsRoutes } from '../routes/operations.ts';

export const handler = httpRoute(operationsRoutes.getOperation, async ({ principal, params }) => ({
  statusCode: 200,
  body: presentOperationView(await getOperation(environmentDeps, principal, params.op_id)),
}));
