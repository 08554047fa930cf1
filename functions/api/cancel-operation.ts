/** POST /operations/{op_id}/cancel — in-flight stacks finish, nothing new starts (202). */
import { presentOperationView } from '../domain/presenters.ts';
import { cancelOperation } from '../domain/services/operations.ts';
import { environmentStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.cancelOperation, async ({ principal, params }) => ({
  statusCode: 202,
  body: presentOperationView(await cancelOperation(environmentStore, principal, params.op_id)),
}));
