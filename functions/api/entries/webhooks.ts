/** The `webhooks` function: every route of `routes/webhooks.ts`, dispatched by method and path. */

import { handler as createWebhook } from '../handlers/create-webhook.ts';
import { handler as deleteWebhook } from '../handlers/delete-webhook.ts';
import { handler as getWebhook } from '../handlers/get-webhook.ts';
import { handler as listWebhookDeliveries } from '../handlers/list-webhook-deliveries.ts';
import { handler as listWebhooks } from '../handlers/list-webhooks.ts';
import { handler as pingWebhook } from '../handlers/ping-webhook.ts';
import { handler as redeliverWebhookDelivery } from '../handlers/redeliver-webhook-delivery.ts';
import { handler as rotateWebhookSecret } from '../handlers/rotate-webhook-secret.ts';
import { handler as updateWebhook } from '../handlers/update-webhook.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { webhooksRoutes } from '../routes/webhooks.ts';

export const handler = routeDispatcher(webhooksRoutes, {
  createWebhook,
  listWebhooks,
  getWebhook,
  updateWebhook,
  rotateWebhookSecret,
  deleteWebhook,
  listWebhookDeliveries,
  pingWebhook,
  redeliverWebhookDelivery,
});
