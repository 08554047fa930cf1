/** GET /projects/{project_id}/webhooks/{webhook_id} */

import { webhookDeps } from '../../app/dependencies.ts';
import { getWebhook } from '../../domain/use-cases/webhooks.ts';
import { httpRoute } from '../http/http.ts';
import { presentWebhook } from '../presenters.ts';
import { webhooksRoutes } from '../routes/webhooks.ts';

export const handler = httpRoute(webhooksRoutes.getWebhook, async ({ principal, params }) => {
  const webhook = await getWebhook(webhookDeps, principal, params.project_id, params.webhook_id);
  return { statusCode: 200, body: presentWebhook(webhook) };
});
