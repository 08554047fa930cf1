/** PATCH /projects/{project_id}/webhooks/{webhook_id} */

import { webhookDeps } from '../../app/dependencies.ts';
import { updateWebhook } from '../../domain/use-cases/webhooks.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { presentWebhook } from '../presenters.ts';
import { webhooksRoutes } from '../routes/webhooks.ts';

export const handler = auditedRoute(webhooksRoutes.updateWebhook, async ({ principal, params, body }) => {
  const webhook = await updateWebhook(webhookDeps, principal, params.project_id, params.webhook_id, body);
  return { statusCode: 200, body: presentWebhook(webhook) };
});
