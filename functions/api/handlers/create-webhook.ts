/** POST /projects/{project_id}/webhooks — the secret is in this answer only. */

import { webhookDeps } from '../../app/dependencies.ts';
import { createWebhook } from '../../domain/use-cases/webhooks.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { presentWebhook } from '../presenters.ts';
import { webhooksRoutes } from '../routes/webhooks.ts';

export const handler = auditedRoute(webhooksRoutes.createWebhook, async ({ principal, params, body }) => {
  const { webhook, secret } = await createWebhook(webhookDeps, principal, params.project_id, body);
  return { statusCode: 201, body: { ...presentWebhook(webhook), secret } };
});
