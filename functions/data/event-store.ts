/**
 * Lifecycle events on DynamoDB: one item per event in its environment's partition (so an
 * environment's events are one range query), also indexed by owner (GSI2) and across
 * everyone (GSI3), newest first. Recording an event also moves the metrics counters
 * (`addToCounters`, metrics-store.ts), so `GET /metrics` reads a handful of items instead
 * of scanning.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type EventFilter,
  hourOf,
  type LifecycleEvent,
  type MetricDeltas,
  metricDeltas,
} from '../domain/lifecycle-events.ts';
import type { Page, PageRequest } from '../domain/model.ts';
import type { EventStore } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import { isConditionFailure } from './conditions.ts';
import { eventKeys } from './keys.ts';
import { addToCounters } from './metrics-store.ts';
import { type QuerySpec, queryPage } from './pagination.ts';
import { TABLE_DESIGN } from './table-design.ts';

/** Events are kept 90 days, like a notification history; counters are kept for good. */
export const EVENT_RETENTION_DAYS = 90;

/** Item attributes that are not the event's: its keys, tag and expiry. */
const STRIPPED = ['PK', 'SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'entity'];

function fromItem(item: Record<string, unknown>): LifecycleEvent {
  const copy = { ...item };
  // The expiry attribute is named where it is read, not at module level: a bundle that imports
  // this module without using it (through the composition root) then keeps no table design.
  for (const key of [...STRIPPED, TABLE_DESIGN.timeToLiveAttribute]) delete copy[key];
  return copy as unknown as LifecycleEvent;
}

function merge(into: Record<string, number>, add: Record<string, number | undefined>): void {
  for (const [name, n] of Object.entries(add)) if (n) into[name] = (into[name] ?? 0) + n;
}

export class DynamoEventStore implements EventStore {
  async record(events: LifecycleEvent[]): Promise<void> {
    const hourly = new Map<string, Record<string, number>>();
    const statuses: Record<string, number> = {};
    for (const event of events) {
      try {
        await documentClient().send(
          new PutCommand({
            TableName: tableName(),
            Item: {
              ...eventKeys.item(event.environment_id, event.time, event.id),
              ...eventKeys.byOwner(event.owner_id, event.time, event.id),
              ...eventKeys.all(event.time, event.id),
              entity: 'event',
              ...event,
              [TABLE_DESIGN.timeToLiveAttribute]:
                Math.floor(Date.parse(event.time) / 1000) + EVENT_RETENTION_DAYS * 86_400,
            },
            // An event recorded twice (a repeated publish) is counted once.
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) continue;
        throw error;
      }
      const deltas: MetricDeltas = metricDeltas(event);
      const hour = hourOf(event.time);
      const counts = hourly.get(hour) ?? {};
      merge(counts, deltas.hourly);
      hourly.set(hour, counts);
      merge(statuses, deltas.statuses);
    }
    await addToCounters(hourly, statuses);
  }

  list(
    filter: EventFilter & { ownerId?: string | undefined },
    page: PageRequest,
  ): Promise<Page<LifecycleEvent>> {
    const since = filter.since ? new Date(filter.since).toISOString() : undefined;
    let spec: QuerySpec;
    if (filter.environment_id) {
      spec = {
        partition: eventKeys.environmentPartition(filter.environment_id),
        sortPrefix: eventKeys.prefix,
        ...(since ? { sortFrom: `${eventKeys.prefix}${since}` } : {}),
      };
    } else if (filter.ownerId) {
      spec = {
        index: 'GSI2',
        partition: eventKeys.ownerPartition(filter.ownerId),
        sortPrefix: eventKeys.prefix,
        ...(since ? { sortFrom: `${eventKeys.prefix}${since}` } : {}),
      };
    } else {
      spec = { index: 'GSI3', partition: eventKeys.allPartition, ...(since ? { sortFrom: since } : {}) };
    }
    spec.newestFirst = true;
    if (filter.type) {
      spec.filter = {
        expression: '#type = :type',
        names: { '#type': 'type' },
        values: { ':type': filter.type },
      };
      spec.readAhead = 200;
    }
    return queryPage(spec, page, fromItem);
  }
}
