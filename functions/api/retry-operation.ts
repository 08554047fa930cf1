/** POST /operations/{op_id}/retry — a new operation resumes a failed or cancelled one (202). */
import { etag, presentEnvironment, presentOperation } from '../domain/presenters.ts';
import { retryOperation } from '../domain/services/operations.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { operationsRoutes } from './routes/operations.ts';

export const handler = auditedRoute(operationsRoutes.retryOperation, async ({ principal, params }) => {
  const { environment, operation } = await retryOperation(environmentDeps, principal, params.op_id);
  return {
    statusCode: 202,
    body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
    headers: etag(environment),
  };
});
