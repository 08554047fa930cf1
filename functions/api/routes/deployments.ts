/** Routes of the `deployments` function. Application deployments onto running environments, and their logs. */
import { CreateDeploymentInput } from '../../domain/inputs.ts';
import { PageQuery } from '../contract/common.ts';
import { Deployment, DeploymentPage, DeploymentPath } from '../contract/deployments.ts';
import { EnvironmentPath } from '../contract/environments.ts';
import { LogPage } from '../contract/operations.ts';
import { route, routeGroup } from '../route-types.ts';

export const deploymentsRoutes = routeGroup('deployments', {
  createDeployment: route({
    operationId: 'createDeployment',
    method: 'POST',
    path: '/environments/{env_id}/deployments',
    needs: { table: 'readwrite', startsWorkflows: ['deploy-release'] },
    access: 'write',
    idempotent: true,
    summary:
      'Roll an application version onto a running environment (rolling batches with health checks, or all at once); one at a time',
    tag: 'deployments',
    request: { params: EnvironmentPath, body: CreateDeploymentInput },
    success: { status: 202, description: 'The deployment, pending', schema: Deployment },
    errors: [404, 409],
  }),
  listDeployments: route({
    operationId: 'listDeployments',
    method: 'GET',
    path: '/environments/{env_id}/deployments',
    needs: { table: 'read' },
    access: 'read',
    summary: 'The environment’s deployments, newest first',
    tag: 'deployments',
    request: { params: EnvironmentPath, query: PageQuery },
    success: { status: 200, description: 'A page of deployments', schema: DeploymentPage },
    errors: [404],
  }),
  getDeployment: route({
    operationId: 'getDeployment',
    method: 'GET',
    path: '/deployments/{deployment_id}',
    needs: { table: 'read' },
    access: 'read',
    summary: 'A deployment with its batches and their health checks',
    tag: 'deployments',
    request: { params: DeploymentPath },
    success: { status: 200, description: 'The deployment', schema: Deployment },
    errors: [404],
  }),
  listDeploymentLogs: route({
    operationId: 'listDeploymentLogs',
    method: 'GET',
    path: '/deployments/{deployment_id}/logs',
    needs: { table: 'read' },
    access: 'read',
    summary: 'The deployment’s log lines, oldest first',
    tag: 'deployments',
    request: { params: DeploymentPath, query: PageQuery },
    success: { status: 200, description: 'A page of log events', schema: LogPage },
    errors: [404],
  }),
});
