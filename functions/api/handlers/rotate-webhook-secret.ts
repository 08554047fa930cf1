/** POST /projects/{project_id}/webhooks/{webhook_id}/rotate — a new secret, in this answer only. */

import { webhookDeps } from '../../app/dependencies.ts';
import { rotateWebhookSecret } from '../../domain/use-cases/webhooks.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { presentWebhook } from '../presenters.ts';
import { webhooksRoutes } from '../routes/webhooks.ts';

export const handler = auditedRoute(webhooksRoutes.rotateWebhookSecret, async ({ principal, params }) => {
  const { webhook, secret } = await rotateWebhookSecret(
    webhookDeps,
    principal,
    params.project_id,
    params.webhook_id,
  );
  return { statusCode: 200, body: { ...presentWebhook(webhook), secret } };
});
