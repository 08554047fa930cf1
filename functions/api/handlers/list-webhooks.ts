/** GET /projects/{project_id}/webhooks */

import { webhookDeps } from '../../app/dependencies.ts';
import { listWebhooks } from '../../domain/use-cases/webhooks.ts';
import { httpRoute } from '../http/http.ts';
import { presentWebhook } from '../presenters.ts';
import { webhooksRoutes } from '../routes/webhooks.ts';

export const handler = httpRoute(webhooksRoutes.listWebhooks, async ({ principal, params, query }) => {
  const page = await listWebhooks(webhookDeps, principal, params.project_id, query);
  return { statusCode: 200, body: { items: page.items.map(presentWebhook), next_cursor: page.next_cursor } };
});
