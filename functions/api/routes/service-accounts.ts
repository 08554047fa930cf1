/**
 * Routes of the `service-accounts` function: a project's identities for pipelines
 * (docs/decisions.md §44). Besides the table, they call Cognito's admin API on the user pool.
 */
import { CreateServiceAccountInput } from '../../domain/inputs.ts';
import { PageQuery } from '../contract/common.ts';
import { ProjectPath } from '../contract/projects.ts';
import {
  ServiceAccount,
  ServiceAccountPage,
  ServiceAccountPath,
  ServiceAccountWithSecret,
} from '../contract/service-accounts.ts';
import { route, routeGroup } from '../route-types.ts';

export const serviceAccountsRoutes = routeGroup('service-accounts', {
  createServiceAccount: route({
    operationId: 'createServiceAccount',
    method: 'POST',
    path: '/projects/{project_id}/service-accounts',
    needs: { table: 'readwrite', cognitoAdmin: true },
    access: 'write',
    idempotent: true,
    oneTimeSecret: true,
    summary:
      'Create a service account of the project (Administrators and the project’s owner); its secret is in this answer only',
    tag: 'service-accounts',
    request: { params: ProjectPath, body: CreateServiceAccountInput },
    success: {
      status: 201,
      description: 'Service account created, with its secret',
      schema: ServiceAccountWithSecret,
    },
    errors: [404, 409],
  }),
  listServiceAccounts: route({
    operationId: 'listServiceAccounts',
    method: 'GET',
    path: '/projects/{project_id}/service-accounts',
    needs: { table: 'read' },
    access: 'read',
    summary: 'List the project’s service accounts (never their secrets)',
    tag: 'service-accounts',
    request: { params: ProjectPath, query: PageQuery },
    success: { status: 200, description: 'A page of service accounts', schema: ServiceAccountPage },
    errors: [403, 404],
  }),
  getServiceAccount: route({
    operationId: 'getServiceAccount',
    method: 'GET',
    path: '/projects/{project_id}/service-accounts/{sa_id}',
    needs: { table: 'read' },
    access: 'read',
    summary: 'Get a service account (never its secret)',
    tag: 'service-accounts',
    request: { params: ServiceAccountPath },
    success: { status: 200, description: 'The service account', schema: ServiceAccount },
    errors: [403, 404],
  }),
  rotateServiceAccount: route({
    operationId: 'rotateServiceAccount',
    method: 'POST',
    path: '/projects/{project_id}/service-accounts/{sa_id}/rotate',
    needs: { table: 'readwrite', cognitoAdmin: true },
    access: 'write',
    idempotent: true,
    oneTimeSecret: true,
    summary: 'Give a service account a new secret; the old one stops working and its sessions end',
    tag: 'service-accounts',
    request: { params: ServiceAccountPath },
    success: {
      status: 200,
      description: 'The service account, with its new secret',
      schema: ServiceAccountWithSecret,
    },
    errors: [404, 409],
  }),
  deleteServiceAccount: route({
    operationId: 'deleteServiceAccount',
    method: 'DELETE',
    path: '/projects/{project_id}/service-accounts/{sa_id}',
    needs: { table: 'readwrite', cognitoAdmin: true },
    access: 'write',
    summary: 'Delete a service account: disabled, signed out everywhere, then removed',
    tag: 'service-accounts',
    request: { params: ServiceAccountPath },
    success: { status: 204, description: 'Deleted' },
    errors: [404],
  }),
});
