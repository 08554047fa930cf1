/** POST /projects/{project_id}/webhooks/{webhook_id}/test — a signed `webhook.ping`, sent now. */

import { webhookDeps } from '../../app/dependencies.ts';
import { pingWebhook } from '../../domain/use-cases/webhooks.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { presentWebhookDelivery } from '../presenters.ts';
import { webhooksRoutes } from '../routes/webhooks.ts';

export const handler = auditedRoute(webhooksRoutes.pingWebhook, async ({ principal, params }) => {
  const delivery = await pingWebhook(webhookDeps, principal, params.project_id, params.webhook_id);
  return { statusCode: 200, body: presentWebhookDelivery(delivery) };
});
