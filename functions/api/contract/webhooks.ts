/** The contract of the `webhooks` routes (docs/decisions.md §45). */
import { ProjectId, WebhookId } from '../../domain/names.ts';
import * as z from '../../platform/zod.ts';
import { page, Timestamp } from './common.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `common.ts`.
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

const fields = () => ({
  id: WebhookId,
  project_id: ProjectId,
  url: z.string(),
  events: z.withMeta(z.array(z.string()), {
    description: 'Event types, or prefixes of them ending in "."',
    example: ['environment.', 'operation.finished'],
  }),
  description: z.nullable(z.string()),
  enabled: z.boolean(),
  created_at: Timestamp,
  created_by: z.string(),
  updated_at: Timestamp,
  rotated_at: z.nullable(Timestamp),
});

/** A webhook as listed and read: never its secret. */
export const Webhook = define(() => z.withMeta(z.object(fields()), { id: 'Webhook' }));

/** The answer of a create or a rotation: the only places the secret appears. */
export const WebhookWithSecret = define(() =>
  z.withMeta(
    z.object({
      ...fields(),
      secret: z.withMeta(z.string(), {
        description:
          'The signing secret (Standard Webhooks: `whsec_` + base64); shown only in this answer — rotate for a new one',
        example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      }),
    }),
    { id: 'WebhookWithSecret' },
  ),
);

export const WebhookPage = define(() => page(Webhook, 'WebhookPage'));

export const WebhookPath = define(() => z.strictObject({ project_id: ProjectId, webhook_id: WebhookId }));

export const WebhookDeliveryPath = define(() =>
  z.strictObject({
    project_id: ProjectId,
    webhook_id: WebhookId,
    delivery_id: z.withMeta(z.string().check(z.regex(/^evt_[0-9a-z]{26}$/)), {
      description: 'A delivery’s id: its message id (the lifecycle event’s id)',
      example: 'evt_01jd8x3k5m7n9p1q3r5s7t9v1w',
    }),
  }),
);

export const WebhookAttempt = define(() =>
  z.withMeta(
    z.object({
      attempt: z.number(),
      at: Timestamp,
      status: z.enum(['succeeded', 'failed']),
      duration_ms: z.number(),
      response_code: z.withMeta(z.nullable(z.number()), {
        description:
          'The receiver’s HTTP status; null when there was no answer (refused target, timeout, network)',
      }),
      error: z.nullable(z.string()),
      next_retry_at: z.withMeta(z.nullable(Timestamp), {
        description:
          'When the next attempt is due; null: none planned (it succeeded, or it was the last, a 410 or a ping)',
      }),
    }),
    { id: 'WebhookAttempt' },
  ),
);

export const WebhookDelivery = define(() =>
  z.withMeta(
    z.object({
      id: z.withMeta(z.string(), {
        description: 'The message id: the lifecycle event’s id (the `webhook-id` header)',
      }),
      webhook_id: WebhookId,
      project_id: ProjectId,
      event_type: z.withMeta(z.string(), { example: 'environment.running' }),
      status: z.enum(['pending', 'succeeded', 'failed']),
      attempts: z.array(WebhookAttempt),
      created_at: Timestamp,
      updated_at: Timestamp,
    }),
    { id: 'WebhookDelivery' },
  ),
);

export const WebhookDeliveryPage = define(() => page(WebhookDelivery, 'WebhookDeliveryPage'));
