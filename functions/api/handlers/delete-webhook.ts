/** DELETE /projects/{project_id}/webhooks/{webhook_id} */

import { webhookDeps } from '../../app/dependencies.ts';
import { deleteWebhook } from '../../domain/use-cases/webhooks.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { webhooksRoutes } from '../routes/webhooks.ts';

export const handler = auditedRoute(webhooksRoutes.deleteWebhook, async ({ principal, params }) => {
  await deleteWebhook(webhookDeps, principal, params.project_id, params.webhook_id);
  return { statusCode: 204 };
});
