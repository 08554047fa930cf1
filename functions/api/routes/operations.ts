/** Routes of the `operations` function. Operations (runs): read, cancel, retry, and their logs. */
import { PageQuery } from '../contract/common.ts';
import { AcceptedEnvironment, EnvironmentPath } from '../contract/environments.ts';
import { ListLogsQuery, LogPage, Operation, OperationPage, OperationPath } from '../contract/operations.ts';
import { route, routeGroup } from '../route-types.ts';

export const operationsRoutes = routeGroup('operations', {
  listOperations: route({
    operationId: 'listOperations',
    method: 'GET',
    path: '/environments/{env_id}/operations',
    needs: { table: 'read' },
    access: 'read',
    summary: 'The environment’s operations (runs), newest first',
    tag: 'operations',
    request: { params: EnvironmentPath, query: PageQuery },
    success: { status: 200, description: 'A page of operations', schema: OperationPage },
    errors: [404],
  }),
  getOperation: route({
    operationId: 'getOperation',
    method: 'GET',
    path: '/operations/{op_id}',
    needs: { table: 'read' },
    access: 'read',
    summary: 'One operation with live progress: layer i of n, stacks done, each stack’s status',
    tag: 'operations',
    request: { params: OperationPath },
    success: { status: 200, description: 'The operation', schema: Operation },
    errors: [404],
  }),
  cancelOperation: route({
    operationId: 'cancelOperation',
    method: 'POST',
    path: '/operations/{op_id}/cancel',
    needs: { table: 'readwrite', answersWorkflowTasks: true },
    access: 'write',
    idempotent: true,
    summary:
      'Cancel a running operation: in-flight stacks finish, nothing new starts; a provision then rolls back. One awaiting approval ends at once, nothing changed',
    tag: 'operations',
    request: { params: OperationPath },
    success: { status: 202, description: 'Cancellation requested', schema: Operation },
    errors: [404, 409],
  }),
  retryOperation: route({
    operationId: 'retryOperation',
    method: 'POST',
    path: '/operations/{op_id}/retry',
    needs: {
      table: 'readwrite',
      startsWorkflows: ['provision-environment', 'destroy-environment'],
    },
    access: 'write',
    idempotent: true,
    summary: 'Retry a failed or cancelled operation: resumes from its failed and skipped stacks',
    tag: 'operations',
    request: { params: OperationPath },
    success: { status: 202, description: 'A new operation is running', schema: AcceptedEnvironment },
    errors: [404, 409],
    etag: [202],
  }),
  listLogs: route({
    operationId: 'listLogs',
    method: 'GET',
    path: '/environments/{env_id}/logs',
    needs: { table: 'read' },
    access: 'read',
    summary: 'Structured log events of the environment’s operations, oldest first',
    tag: 'operations',
    request: { params: EnvironmentPath, query: ListLogsQuery },
    success: { status: 200, description: 'A page of log events', schema: LogPage },
    errors: [404],
  }),
});
