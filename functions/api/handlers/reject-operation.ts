/** POST /operations/{op_id}/reject — the operation awaiting approval ends `rejected`, nothing changed (200). */

import { approvalDeps } from '../../app/dependencies.ts';
import { rejectOperation } from '../../domain/use-cases/approvals.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { etag, presentEnvironmentChange } from '../presenters.ts';
import { approvalsRoutes } from '../routes/approvals.ts';

export const handler = auditedRoute(approvalsRoutes.rejectOperation, async ({ principal, params, body }) => {
  const { environment, operation } = await rejectOperation(
    approvalDeps,
    principal,
    params.op_id,
    body.comment ?? null,
  );
  return {
    statusCode: 200,
    body: presentEnvironmentChange(environment, operation),
    headers: etag(environment),
  };
});
