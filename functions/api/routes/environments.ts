/** Routes of the `environments` function. Environments: their lifecycle (create, change, stop, start, destroy) and manifest. */

import { CreateEnvironmentInput, PutManifestInput, UpdateEnvironmentInput } from '../../domain/inputs.ts';
import * as z from '../../platform/zod.ts';
import { DryRunQuery } from '../contract/common.ts';
import {
  AcceptedEnvironment,
  Environment,
  EnvironmentPage,
  EnvironmentPath,
  ListEnvironmentsQuery,
  Manifest,
  Plan,
  SavedEnvironment,
} from '../contract/environments.ts';
import { ProjectPath } from '../contract/projects.ts';
import { route, routeGroup } from '../route-types.ts';

export const environmentsRoutes = routeGroup('environments', {
  createEnvironment: route({
    operationId: 'createEnvironment',
    method: 'POST',
    path: '/projects/{project_id}/environments',
    needs: { table: 'readwrite', startsWorkflows: ['provision-environment'] },
    access: 'write',
    idempotent: true,
    summary: 'Create an environment from a template and start provisioning it',
    tag: 'environments',
    request: { params: ProjectPath, query: DryRunQuery, body: CreateEnvironmentInput },
    alternatives: [
      { status: 200, description: 'With ?dry_run=true: the plan; nothing is changed', schema: Plan },
    ],
    success: {
      status: 202,
      description: 'Environment recorded; a provision operation is running',
      schema: AcceptedEnvironment,
    },
    errors: [404, 409],
  }),
  listEnvironments: route({
    operationId: 'listEnvironments',
    method: 'GET',
    path: '/environments',
    needs: { table: 'read' },
    access: 'read',
    summary: 'List environments, newest first (filters: project_id, status, type)',
    tag: 'environments',
    request: { query: ListEnvironmentsQuery },
    success: { status: 200, description: 'A page of environments', schema: EnvironmentPage },
    errors: [404],
  }),
  getEnvironment: route({
    operationId: 'getEnvironment',
    method: 'GET',
    path: '/environments/{env_id}',
    needs: { table: 'read' },
    access: 'read',
    summary: 'Get an environment with its live progress',
    tag: 'environments',
    request: { params: EnvironmentPath },
    success: { status: 200, description: 'The environment', schema: Environment },
    errors: [404],
  }),
  updateEnvironment: route({
    operationId: 'updateEnvironment',
    method: 'PATCH',
    path: '/environments/{env_id}',
    needs: { table: 'readwrite', startsWorkflows: ['provision-environment'] },
    access: 'write',
    ifMatch: true,
    summary:
      'Change parameters (honours If-Match: <version>): re-provisions only the stacks whose inputs changed, and their dependants',
    tag: 'environments',
    request: { params: EnvironmentPath, query: DryRunQuery, body: UpdateEnvironmentInput },
    alternatives: [
      {
        status: 200,
        description:
          'No stack affected: the environment, saved at once (operation null); or, with ?dry_run=true, the plan (nothing changed)',
        schema: z.union([SavedEnvironment, Plan]),
      },
    ],
    success: {
      status: 202,
      description: 'An update operation is running (200 with no operation when no stack is affected)',
      schema: AcceptedEnvironment,
    },
    errors: [404, 409],
  }),
  deleteEnvironment: route({
    operationId: 'deleteEnvironment',
    method: 'DELETE',
    path: '/environments/{env_id}',
    needs: { table: 'readwrite', startsWorkflows: ['destroy-environment'] },
    access: 'write',
    idempotent: true,
    summary: 'Tear an environment down (layers in reverse)',
    tag: 'environments',
    request: { params: EnvironmentPath, query: DryRunQuery },
    success: { status: 202, description: 'A destroy operation is running', schema: AcceptedEnvironment },
    alternatives: [
      { status: 200, description: 'With ?dry_run=true: the plan; nothing is changed', schema: Plan },
    ],
    errors: [404, 409],
  }),
  stopEnvironment: route({
    operationId: 'stopEnvironment',
    method: 'POST',
    path: '/environments/{env_id}/stop',
    needs: { table: 'readwrite', startsWorkflows: ['destroy-environment'] },
    access: 'write',
    idempotent: true,
    summary: 'Stop the compute stacks of a running environment (the others are untouched)',
    tag: 'environments',
    request: { params: EnvironmentPath },
    success: { status: 202, description: 'A stop operation is running', schema: AcceptedEnvironment },
    errors: [404, 409],
  }),
  startEnvironment: route({
    operationId: 'startEnvironment',
    method: 'POST',
    path: '/environments/{env_id}/start',
    needs: { table: 'readwrite', startsWorkflows: ['provision-environment'] },
    access: 'write',
    idempotent: true,
    summary: 'Start the compute stacks of a stopped environment',
    tag: 'environments',
    request: { params: EnvironmentPath },
    success: { status: 202, description: 'A start operation is running', schema: AcceptedEnvironment },
    errors: [404, 409],
  }),
  getManifest: route({
    operationId: 'getManifest',
    method: 'GET',
    path: '/environments/{env_id}/manifest',
    needs: { table: 'read' },
    access: 'read',
    summary: 'Template, parameters and stacks (with dependencies and layers) as a document to edit',
    tag: 'environments',
    request: { params: EnvironmentPath },
    success: { status: 200, description: 'The manifest', schema: Manifest },
    errors: [404],
  }),
  putManifest: route({
    operationId: 'putManifest',
    method: 'PUT',
    path: '/environments/{env_id}/manifest',
    needs: { table: 'readwrite', startsWorkflows: ['provision-environment'] },
    access: 'write',
    ifMatch: true,
    summary:
      'Replace the manifest (honours If-Match): validated like a create, run as an update operation; ?dry_run=true answers the plan',
    tag: 'environments',
    request: { params: EnvironmentPath, query: DryRunQuery, body: PutManifestInput },
    success: { status: 202, description: 'An update operation is running', schema: AcceptedEnvironment },
    alternatives: [
      {
        status: 200,
        description:
          'No stack affected: the environment, saved at once (operation null); or, with ?dry_run=true, the plan (nothing changed)',
        schema: z.union([SavedEnvironment, Plan]),
      },
    ],
    errors: [404, 409],
  }),
});
