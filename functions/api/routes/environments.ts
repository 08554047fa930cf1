/**
 * Routes of the `environments` function. Environments: their lifecycle (create, change, stop,
 * start, destroy) and manifest; and pull-request previews (docs/decisions.md §46: a project's
 * settings and Git host secret, its previews, the public hook GitHub calls), served here since
 * the hook's work is environments' lifecycle and a deployment, and a function of their own
 * would have taken the API stack past its resource budget (§28).
 */

import {
  CreateEnvironmentInput,
  PreviewSettingsInput,
  PullRequestPayload,
  PutManifestInput,
  UpdateEnvironmentInput,
} from '../../domain/inputs.ts';
import * as z from '../../platform/zod.ts';
import { DryRunQuery, PageQuery } from '../contract/common.ts';
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
import {
  HookOutcome,
  HookPath,
  PreviewPage,
  PreviewSettings,
  PreviewSettingsWithSecret,
} from '../contract/previews.ts';
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
    etag: [202],
    location: true,
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
    etag: [200],
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
    etag: [200, 202],
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
    etag: [202],
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
    etag: [202],
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
    etag: [202],
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
    etag: [200],
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
    etag: [200, 202],
  }),
  // ---------------------------------------------------------------- pull-request previews (§46)
  getPreviewSettings: route({
    operationId: 'getPreviewSettings',
    method: 'GET',
    path: '/projects/{project_id}/previews/settings',
    needs: { table: 'read' },
    access: 'read',
    summary:
      'The project’s pull-request preview settings and its hook URL (Administrators and the project’s owner; never the secret)',
    tag: 'previews',
    request: { params: ProjectPath },
    success: { status: 200, description: 'The settings', schema: PreviewSettings },
    errors: [403, 404],
  }),
  putPreviewSettings: route({
    operationId: 'putPreviewSettings',
    method: 'PUT',
    path: '/projects/{project_id}/previews/settings',
    needs: { table: 'readwrite' },
    access: 'write',
    summary: 'Set the project’s pull-request preview settings (the secret, if any, is kept)',
    tag: 'previews',
    request: { params: ProjectPath, body: PreviewSettingsInput },
    success: { status: 200, description: 'The settings', schema: PreviewSettings },
    errors: [404],
  }),
  rotatePreviewSecret: route({
    operationId: 'rotatePreviewSecret',
    method: 'POST',
    path: '/projects/{project_id}/previews/secret',
    needs: { table: 'readwrite' },
    access: 'write',
    idempotent: true,
    oneTimeSecret: true,
    summary:
      'Generate (or replace) the Git host secret GitHub signs deliveries with; it is in this answer only',
    tag: 'previews',
    request: { params: ProjectPath },
    success: {
      status: 200,
      description: 'The settings, with the new secret',
      schema: PreviewSettingsWithSecret,
    },
    errors: [404, 409],
  }),
  listPreviews: route({
    operationId: 'listPreviews',
    method: 'GET',
    path: '/projects/{project_id}/previews',
    needs: { table: 'read' },
    access: 'read',
    summary: 'The project’s pull-request previews (by PR number) and their environments’ state',
    tag: 'previews',
    request: { params: ProjectPath, query: PageQuery },
    success: { status: 200, description: 'A page of previews', schema: PreviewPage },
    errors: [404],
  }),
  receiveGithubHook: route({
    operationId: 'receiveGithubHook',
    method: 'POST',
    path: '/hooks/github/{project_id}',
    // It creates, deploys and destroys environments.
    needs: {
      table: 'readwrite',
      startsWorkflows: ['provision-environment', 'destroy-environment', 'deploy-release'],
    },
    access: 'public',
    rawBody: true,
    // GitHub's payloads carry the whole PR (its description, labels, both repositories):
    // often past the API's 64 KiB; 1 MiB, well within API Gateway's 10 MB and Lambda's 6 MB.
    maxBodyBytes: 1024 * 1024,
    summary:
      'GitHub webhook (no token): `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the project’s secret), `X-GitHub-Event` and `X-GitHub-Delivery` (idempotency: a duplicate answers the first outcome) are required. `pull_request` opened/reopened create the preview `pr-<number>` and deploy the head SHA once it runs; synchronize deploys the new SHA; closed destroys it',
    tag: 'previews',
    request: { params: HookPath, body: PullRequestPayload },
    success: {
      status: 202,
      description: 'Accepted: what the delivery did (or why it did nothing)',
      schema: HookOutcome,
    },
    alternatives: [{ status: 200, description: 'A `ping` event', schema: HookOutcome }],
    errors: [401, 409, 422],
  }),
});
