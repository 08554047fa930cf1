/**
 * Routes of the `approvals` function: answering the approval an operation of a protected
 * environment waits for, and what the caller may answer (docs/decisions.md §43). Its own
 * function: it alone may answer the workflows' waiting tasks (and the cancel route).
 */
import { ApprovalAnswer, PendingApprovalPage } from '../contract/approvals.ts';
import { PageQuery } from '../contract/common.ts';
import { AcceptedEnvironment } from '../contract/environments.ts';
import { OperationPath } from '../contract/operations.ts';
import { route, routeGroup } from '../route-types.ts';

export const approvalsRoutes = routeGroup('approvals', {
  listApprovals: route({
    operationId: 'listApprovals',
    method: 'GET',
    path: '/approvals',
    needs: { table: 'read' },
    access: 'read',
    summary:
      'Operations awaiting an approval the caller may give (Administrators, or approvers named by the project; never their own requests), newest first',
    tag: 'approvals',
    request: { query: PageQuery },
    success: {
      status: 200,
      description: 'A page of operations awaiting approval',
      schema: PendingApprovalPage,
    },
  }),
  approveOperation: route({
    operationId: 'approveOperation',
    method: 'POST',
    path: '/operations/{op_id}/approve',
    needs: { table: 'readwrite', answersWorkflowTasks: true },
    access: 'write',
    idempotent: true,
    summary:
      'Approve an operation awaiting approval: it runs (202). Not by whoever requested it, only by an Administrator or a named approver (403)',
    tag: 'approvals',
    request: { params: OperationPath, body: ApprovalAnswer },
    success: {
      status: 202,
      description: 'Approved: the environment and the operation, now running',
      schema: AcceptedEnvironment,
    },
    errors: [403, 404, 409],
    etag: [202],
  }),
  rejectOperation: route({
    operationId: 'rejectOperation',
    method: 'POST',
    path: '/operations/{op_id}/reject',
    needs: { table: 'readwrite', answersWorkflowTasks: true },
    access: 'write',
    idempotent: true,
    summary:
      'Reject an operation awaiting approval: it ends `rejected` and nothing changes. Not by whoever requested it (403)',
    tag: 'approvals',
    request: { params: OperationPath, body: ApprovalAnswer },
    success: {
      status: 200,
      description: 'Rejected: the environment (back to its status before) and the operation',
      schema: AcceptedEnvironment,
    },
    errors: [403, 404, 409],
    etag: [200],
  }),
});
