/**
 * The webhook sender (docs/decisions.md §45): takes the messages the fan-out queued (an SQS
 * event; locally the in-process queue of local/sqs.ts calls this same handler with the same
 * shape) and makes one signed attempt per message, recorded on its delivery record.
 *
 * A failed attempt with a retry planned (the delivery `pending`, its `next_retry_at` set) is
 * reported (ReportBatchItemFailures) after its visibility was set to the backoff
 * (ChangeMessageVisibility), so the queue hands it back then. A message that could not be
 * handled at all (the table unreachable) is reported too and comes back after the queue's
 * visibility timeout; after the queue's receive limit it goes to the dead-letter queue.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { webhookDeliveryDeps, webhookRetryQueue } from '../app/dependencies.ts';
import type { WebhookMessage } from '../domain/ports.ts';
import { deliverMessage } from '../domain/use-cases/webhook-delivery.ts';
import { logger, withLogContext } from '../platform/observability.ts';

export const handler = (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
  withLogContext(context, context?.awsRequestId, {}, async () => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records ?? []) {
      try {
        const message = JSON.parse(record.body) as WebhookMessage;
        const delivery = await deliverMessage(webhookDeliveryDeps, message, { retries: true });
        const next = delivery?.status === 'pending' ? delivery.attempts.at(-1)?.next_retry_at : null;
        if (next) {
          await webhookRetryQueue.retryLater(record.receiptHandle, (Date.parse(next) - Date.now()) / 1000);
          failures.push({ itemIdentifier: record.messageId });
        }
        logger.debug('Webhook message handled', {
          webhook_id: message.webhook_id,
          message_id: message.id,
          status: delivery?.status ?? 'skipped',
        });
      } catch (error) {
        logger.error('A webhook message could not be handled; the queue delivers it again', {
          message_id: record.messageId,
          error,
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  });
