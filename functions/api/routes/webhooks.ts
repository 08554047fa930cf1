/**
 * Routes of the `webhooks` function: a project's outgoing, signed webhooks
 * (docs/decisions.md §45). Besides the table, they resolve target hosts with DNS.
 */
import { CreateWebhookInput, UpdateWebhookInput } from '../../domain/inputs.ts';
import { PageQuery } from '../contract/common.ts';
import { ProjectPath } from '../contract/projects.ts';
import {
  Webhook,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookPage,
  WebhookPath,
  WebhookWithSecret,
} from '../contract/webhooks.ts';
import { route, routeGroup } from '../route-types.ts';

export const webhooksRoutes = routeGroup('webhooks', {
  createWebhook: route({
    operationId: 'createWebhook',
    method: 'POST',
    path: '/projects/{project_id}/webhooks',
    needs: { table: 'readwrite' },
    access: 'write',
    idempotent: true,
    oneTimeSecret: true,
    summary:
      'Subscribe an HTTPS endpoint to the project’s lifecycle events (Administrators and the project’s owner); its signing secret is in this answer only',
    tag: 'webhooks',
    request: { params: ProjectPath, body: CreateWebhookInput },
    success: { status: 201, description: 'Webhook created, with its secret', schema: WebhookWithSecret },
    errors: [404, 409],
  }),
  listWebhooks: route({
    operationId: 'listWebhooks',
    method: 'GET',
    path: '/projects/{project_id}/webhooks',
    needs: { table: 'read' },
    access: 'read',
    summary: 'List the project’s webhooks (never their secrets)',
    tag: 'webhooks',
    request: { params: ProjectPath, query: PageQuery },
    success: { status: 200, description: 'A page of webhooks', schema: WebhookPage },
    errors: [403, 404],
  }),
  getWebhook: route({
    operationId: 'getWebhook',
    method: 'GET',
    path: '/projects/{project_id}/webhooks/{webhook_id}',
    needs: { table: 'read' },
    access: 'read',
    summary: 'Get a webhook (never its secret)',
    tag: 'webhooks',
    request: { params: WebhookPath },
    success: { status: 200, description: 'The webhook', schema: Webhook },
    errors: [403, 404],
  }),
  updateWebhook: route({
    operationId: 'updateWebhook',
    method: 'PATCH',
    path: '/projects/{project_id}/webhooks/{webhook_id}',
    needs: { table: 'readwrite' },
    access: 'write',
    summary: 'Change a webhook’s URL, events, description, or enable/disable it',
    tag: 'webhooks',
    request: { params: WebhookPath, body: UpdateWebhookInput },
    success: { status: 200, description: 'The updated webhook', schema: Webhook },
    errors: [404, 409],
  }),
  rotateWebhookSecret: route({
    operationId: 'rotateWebhookSecret',
    method: 'POST',
    path: '/projects/{project_id}/webhooks/{webhook_id}/rotate',
    needs: { table: 'readwrite' },
    access: 'write',
    idempotent: true,
    oneTimeSecret: true,
    summary: 'Give a webhook a new signing secret; the old one signs nothing from now on',
    tag: 'webhooks',
    request: { params: WebhookPath },
    success: { status: 200, description: 'The webhook, with its new secret', schema: WebhookWithSecret },
    errors: [404, 409],
  }),
  deleteWebhook: route({
    operationId: 'deleteWebhook',
    method: 'DELETE',
    path: '/projects/{project_id}/webhooks/{webhook_id}',
    needs: { table: 'readwrite' },
    access: 'write',
    summary: 'Delete a webhook',
    tag: 'webhooks',
    request: { params: WebhookPath },
    success: { status: 204, description: 'Deleted' },
    errors: [404],
  }),
  listWebhookDeliveries: route({
    operationId: 'listWebhookDeliveries',
    method: 'GET',
    path: '/projects/{project_id}/webhooks/{webhook_id}/deliveries',
    needs: { table: 'read' },
    access: 'read',
    summary:
      'List a webhook’s deliveries, each with its attempts (status, duration, response code, next retry)',
    tag: 'webhooks',
    request: { params: WebhookPath, query: PageQuery },
    success: { status: 200, description: 'A page of deliveries, oldest first', schema: WebhookDeliveryPage },
    errors: [403, 404],
  }),
  pingWebhook: route({
    operationId: 'pingWebhook',
    method: 'POST',
    path: '/projects/{project_id}/webhooks/{webhook_id}/test',
    needs: { table: 'readwrite' },
    access: 'write',
    idempotent: true,
    summary:
      'Send a signed `webhook.ping` now (enabled or not) and answer its delivery: a receiver’s refusal is a failed attempt, not an error',
    tag: 'webhooks',
    request: { params: WebhookPath },
    success: { status: 200, description: 'The ping’s delivery and its attempt', schema: WebhookDelivery },
    errors: [404, 409],
  }),
});
