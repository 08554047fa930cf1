/** POST /operations/{op_id}/approve — the operation awaiting approval runs (202). */

import { approvalDeps } from '../../app/dependencies.ts';
import { approveOperation } from '../../domain/use-cases/approvals.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { etag, presentEnvironmentChange } from '../presenters.ts';
import { approvalsRoutes } from '../routes/approvals.ts';

export const handler = auditedRoute(approvalsRoutes.approveOperation, async ({ principal, params, body }) => {
  const { environment, operation } = await approveOperation(
    approvalDeps,
    principal,
    params.op_id,
    body.comment ?? null,
  );
  return {
    statusCode: 202,
    body: presentEnvironmentChange(environment, operation),
    headers: etag(environment),
  };
});
