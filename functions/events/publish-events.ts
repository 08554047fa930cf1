/**
 * The table's stream target (docs/decisions.md §35): each lifecycle event item the stores
 * wrote with the change it reports is published once per consumer (counters, bus,
 * notifications through the bus's rule; `publishEvent`). In AWS an event source mapping
 * delivers only inserted `EVT#…` items (its filter), in batches, at least once; locally a
 * poller of DynamoDB Local's stream (local/runtime/event-stream.ts) calls this same
 * handler with the same event shape and the same filter.
 *
 * Records are handled in stream order and the first failure stops the batch: it is reported
 * (ReportBatchItemFailures) so the stream delivers again from that record on; those before it
 * are done. Hand-written rather than Powertools' batch processor, which goes on with the
 * records after a failure: here an event's consumers expect the events of one environment
 * in order, and everything delivered again is deduplicated anyway.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { publicationDeps } from '../app/dependencies.ts';
import { publishEvent } from '../app/events.ts';
import type { LifecycleEvent } from '../domain/lifecycle-events.ts';
import { logger, withLogContext } from '../platform/observability.ts';

/** The sort key prefix of event items (TABLE_DESIGN.stream.eventKeyPrefix; the mapping's filter). */
const EVENT_KEY_PREFIX = 'EVT#';

/** What the event source mapping's filter lets through: a new event item. */
export function isEventInsert(record: DynamoDBRecord): boolean {
  return record.eventName === 'INSERT' && (record.dynamodb?.Keys?.SK?.S ?? '').startsWith(EVENT_KEY_PREFIX);
}

/** The event an inserted item holds (its keys, tag and expiry left out). */
function eventOf(record: DynamoDBRecord): LifecycleEvent | null {
  const image = record.dynamodb?.NewImage;
  if (!isEventInsert(record) || !image) return null;
  const item = unmarshall(image as Record<string, AttributeValue>);
  return {
    id: String(item.id),
    type: item.type as LifecycleEvent['type'],
    detail_type: String(item.detail_type),
    time: String(item.time),
    environment_id: String(item.environment_id),
    project_id: String(item.project_id),
    owner_id: String(item.owner_id),
    operation_id: typeof item.operation_id === 'string' ? item.operation_id : null,
    deployment_id: typeof item.deployment_id === 'string' ? item.deployment_id : null,
    detail: (item.detail ?? {}) as Record<string, unknown>,
  };
}

export const handler = (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> =>
  withLogContext(context, context?.awsRequestId, {}, () => publishAll(event.Records ?? []));

async function publishAll(records: DynamoDBRecord[]): Promise<DynamoDBBatchResponse> {
  let counted = 0;
  let sent = 0;
  for (const record of records) {
    const event = eventOf(record);
    if (!event) continue;
    try {
      const done = await publishEvent(publicationDeps, event);
      if (done.counted) counted += 1;
      if (done.sent) sent += 1;
    } catch (error) {
      logger.error('A lifecycle event could not be published; the stream delivers it again', {
        event_id: event.id,
        error,
      });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  logger.debug('Lifecycle events published', { records: records.length, counted, sent });
  return { batchItemFailures: [] };
}
