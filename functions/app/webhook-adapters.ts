/**
 * The sender's adapters (docs/decisions.md §45): Standard Webhooks signatures (the
 * `standardwebhooks` package), the HTTP POST (fetch, a timeout, redirects not followed: a
 * redirect could lead to an address the target rules refuse), and the SQS queue.
 */
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import type {
  WebhookMessage,
  WebhookQueue,
  WebhookResponse,
  WebhookRetryQueue,
  WebhookTransport,
} from '../domain/ports.ts';
import type { WebhookSigner } from '../domain/use-cases/webhook-delivery.ts';
import { sqs } from '../platform/clients.ts';
import { webhookQueueConfig } from '../platform/config.ts';

/** `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature` (`v1,<base64 HMAC>`). */
export const signWebhook: WebhookSigner = (secret, id, at, body) => ({
  'webhook-id': id,
  'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
  'webhook-signature': new Webhook(secret).sign(id, at, body),
});

export class FetchWebhookTransport implements WebhookTransport {
  async post(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<WebhookResponse> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The answer's body is not kept; read it so the connection is released.
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status, error: null, retryAfter: response.headers.get('retry-after') };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') {
        return { status: null, error: `no answer within ${timeoutMs / 1000} s` };
      }
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { status: null, error: `could not connect${cause ? ` (${cause})` : ''}` };
    }
  }
}

/** SendMessageBatch takes 10 messages at most. */
const BATCH = 10;

export class SqsWebhookQueue implements WebhookQueue {
  /** Whether a queue is configured (the fan-out is off without one). */
  static configured(): boolean {
    return webhookQueueConfig().WEBHOOK_QUEUE_URL !== undefined;
  }

  async send(messages: readonly WebhookMessage[]): Promise<void> {
    const url = webhookQueueConfig().WEBHOOK_QUEUE_URL;
    if (!url) return;
    for (let i = 0; i < messages.length; i += BATCH) {
      const chunk = messages.slice(i, i + BATCH);
      const result = await sqs().send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: chunk.map((m, n) => ({ Id: String(n), MessageBody: JSON.stringify(m) })),
        }),
      );
      if ((result.Failed ?? []).length > 0) {
        throw new Error(`${result.Failed?.length} webhook messages were not queued`);
      }
    }
  }
}

/** SQS's longest visibility timeout: 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

export class SqsWebhookRetryQueue implements WebhookRetryQueue {
  async retryLater(receiptHandle: string, seconds: number): Promise<void> {
    const url = webhookQueueConfig().WEBHOOK_QUEUE_URL;
    if (!url) throw new Error('No webhook queue is configured');
    await sqs().send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(seconds))),
      }),
    );
  }
}
