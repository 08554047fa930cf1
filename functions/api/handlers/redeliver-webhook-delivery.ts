/** POST /projects/{project_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver */

import { webhookDeps } from '../../app/dependencies.ts';
import { redeliverWebhookDelivery } from '../../domain/use-cases/webhooks.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { presentWebhookDelivery } from '../presenters.ts';
import { webhooksRoutes } from '../routes/webhooks.ts';

export const handler = auditedRoute(
  webhooksRoutes.redeliverWebhookDelivery,
  async ({ principal, params }) => {
    const delivery = await redeliverWebhookDelivery(
      webhookDeps,
      principal,
      params.project_id,
      params.webhook_id,
      params.delivery_id,
    );
    return { statusCode: 200, body: presentWebhookDelivery(delivery) };
  },
);
