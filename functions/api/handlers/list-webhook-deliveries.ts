/** GET /projects/{project_id}/webhooks/{webhook_id}/deliveries */

import { webhookDeps } from '../../app/dependencies.ts';
import { listWebhookDeliveries } from '../../domain/use-cases/webhooks.ts';
import { httpRoute } from '../http/http.ts';
import { presentWebhookDelivery } from '../presenters.ts';
import { webhooksRoutes } from '../routes/webhooks.ts';

export const handler = httpRoute(
  webhooksRoutes.listWebhookDeliveries,
  async ({ principal, params, query }) => {
    const page = await listWebhookDeliveries(
      webhookDeps,
      principal,
      params.project_id,
      params.webhook_id,
      query,
    );
    return {
      statusCode: 200,
      body: { items: page.items.map(presentWebhookDelivery), next_cursor: page.next_cursor },
    };
  },
);
