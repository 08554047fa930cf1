/**
 * The sender's adapters (docs/decisions.md §45): Standard Webhooks signatures (the
 * `standardwebhooks` package), the HTTP POST (to the checked address, a timeout, redirects not
 * followed: a redirect could lead to an address the target rules refuse), and the SQS queue.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
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

/**
 * The POST, over `node:http`/`node:https` rather than fetch: only their `lookup` option makes
 * the connection use an address the target rules checked (fetch would resolve the name again,
 * and a DNS answer changed in between could lead into a private network), without adding
 * undici as a dependency for its dispatcher. TLS still verifies the certificate against the
 * URL's host name. Redirects are not followed (neither module does), the answer's body is
 * drained and not kept.
 */
export class PinnedWebhookTransport implements WebhookTransport {
  post(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
    addresses: readonly string[] | null,
  ): Promise<WebhookResponse> {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const request = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          signal: AbortSignal.timeout(timeoutMs),
          ...(addresses ? { lookup: pinnedLookup(addresses) } : {}),
        },
        (response) => {
          response.resume();
          response.on('error', () => undefined);
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? null, error: null, retryAfter: retryAfter ?? null });
        },
      );
      request.on('error', (error: Error & { code?: string }) => {
        if (error.name === 'TimeoutError' || error.name === 'AbortError') {
          resolve({ status: null, error: `no answer within ${timeoutMs / 1000} s` });
        } else {
          resolve({ status: null, error: `could not connect${error.code ? ` (${error.code})` : ''}` });
        }
      });
      request.end(body);
    });
  }
}

/** A `lookup` that answers the checked addresses, whatever the name (`all` or the first). */
function pinnedLookup(addresses: readonly string[]): LookupFunction {
  const answers = addresses.map((address) => ({ address, family: isIP(address) }));
  return (_host, options, callback) => {
    const first = answers[0];
    if (!first) {
      callback(Object.assign(new Error('no checked address'), { code: 'ENOTFOUND' }), '', 0);
    } else if (options.all) {
      callback(null, answers);
    } else {
      callback(null, first.address, first.family);
    }
  };
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
