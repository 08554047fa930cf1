/** POST /operations/{op_id}/retry — a new operation resumes a failed or cancelled one (202). */

import { environmentDeps } from '../../app/dependencies.ts';
import { retryOperation } from '../../domain/use-cases/operations.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { etag, presentEnvironment, presentOperation } from '../presenters.ts';
import { operationsRoutes } from '../routes/operations.ts';

export const handler = auditedRoute(operationsRoutes.retryOperation, async ({ principal, params }) => {
  const { environment, operation } = await retryOperation(environmentDeps, principal, params.op_id);
  return {
    statusCode: 202,
    body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
    headers: etag(environment),
  };
});
