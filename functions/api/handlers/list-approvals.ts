/** GET /approvals — operations awaiting an approval the caller may give. */

import { approvalDeps } from '../../app/dependencies.ts';
import { listApprovals } from '../../domain/use-cases/approvals.ts';
import { httpRoute } from '../http/http.ts';
import { presentOperation } from '../presenters.ts';
import { approvalsRoutes } from '../routes/approvals.ts';

export const handler = httpRoute(approvalsRoutes.listApprovals, async ({ principal, query }) => {
  const page = await listApprovals(approvalDeps, principal, query);
  return {
    statusCode: 200,
    body: {
      items: page.items.map(({ operation, environment: e }) => ({
        operation: presentOperation(operation),
        environment: {
          id: e.id,
          name: e.name,
          project_id: e.project_id,
          status: e.status,
          owner_id: e.owner_id,
        },
      })),
      next_cursor: page.next_cursor,
    },
  };
});
