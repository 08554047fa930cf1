/**
 * Lifecycle events on DynamoDB: one item per event in its environment's partition (so an
 * environment's events are one range query), also indexed by owner (GSI2) and across
 * everyone (GSI3), newest first.
 *
 * Events are written in the transaction of the change they report (`eventPuts`, added to
 * the stores' transactions; docs/decisions.md §35): an event exists exactly when its change
 * does. They are published from the table's stream (`functions/events/publish-events.ts`),
 * at least once; the item itself carries the consumers' markers: `counted_at` (set in the
 * one transaction that moves the metrics counters, so an event is counted once however
 * often it is delivered) and `published_at` (set after it went onto the bus, so a
 * redelivery does not send it again unless the publisher died in between).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
import { cancellationReasons, conditionFailedAt, type TransactItems, transactWrite } from './conditions.ts';
import { eventKeys } from './keys.ts';
import { counterUpdates } from './metrics-store.ts';
import { type QuerySpec, queryPage } from './pagination.ts';
import { TABLE_DESIGN } from './table-design.ts';

/** Events are kept 90 days, like a notification history; counters are kept for good. */
export const EVENT_RETENTION_DAYS = 90;

/** Item attributes that are not the event's: its keys, tag, consumers' markers and expiry. */
const STRIPPED = ['PK', 'SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'entity', 'counted_at', 'published_at'];

function fromItem(item: Record<string, unknown>): LifecycleEvent {
  const copy = { ...item };
  // The expiry attribute is named where it is read, not at module level: a bundle that imports
  // this module without using it (through the composition root) then keeps no table design.
  for (const key of [...STRIPPED, TABLE_DESIGN.timeToLiveAttribute]) delete copy[key];
  return copy as unknown as LifecycleEvent;
}

/** An event's item: keys of the three lists, the event's fields, its expiry. */
function eventItem(event: LifecycleEvent): Record<string, unknown> {
  return {
    ...eventKeys.item(event.environment_id, event.time, event.id),
    ...eventKeys.byOwner(event.owner_id, event.time, event.id),
    ...eventKeys.all(event.time, event.id),
    entity: 'event',
    ...event,
    [TABLE_DESIGN.timeToLiveAttribute]:
      Math.floor(Date.parse(event.time) / 1000) + EVENT_RETENTION_DAYS * 86_400,
  };
}

/**
 * The Puts of `events`, for the transaction of the change they report. Put them after the
 * items whose failed condition the caller reads by position. No condition: an event id is
 * a ULID, new for every attempt of a change, and a change that did not happen (its
 * condition failed) takes its events with it.
 */
export function eventPuts(events: readonly LifecycleEvent[]): TransactItems {
  return events.map((event) => ({ Put: { TableName: tableName(), Item: eventItem(event) } }));
}

function merge(into: Record<string, number>, add: Record<string, number | undefined>): void {
  for (const [name, n] of Object.entries(add)) if (n) into[name] = (into[name] ?? 0) + n;
}

export class DynamoEventStore implements EventStore {
  /** Events that report no other write (a drift found by a refresh): one transaction of their own. */
  async record(events: LifecycleEvent[]): Promise<void> {
    if (events.length === 0) return;
    await transactWrite(eventPuts(events));
  }

  async count(event: LifecycleEvent): Promise<boolean> {
    const deltas: MetricDeltas = metricDeltas(event);
    const hourly: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    merge(hourly, deltas.hourly);
    merge(statuses, deltas.statuses);
    const at = new Date().toISOString();
    try {
      await transactWrite([
        // The marker first: its failed condition (position 0) means "counted already".
        {
          Update: {
            TableName: tableName(),
            Key: eventKeys.item(event.environment_id, event.time, event.id),
            UpdateExpression: 'SET counted_at = :at',
            ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(counted_at)',
            ExpressionAttributeValues: { ':at': at },
          },
        },
        ...counterUpdates(new Map([[hourOf(event.time), hourly]]), statuses),
      ]);
      return true;
    } catch (error) {
      if (conditionFailedAt(cancellationReasons(error), 0)) return false;
      throw error;
    }
  }

  async published(event: LifecycleEvent): Promise<boolean> {
    const result = await documentClient().send(
      new GetCommand({
        TableName: tableName(),
        Key: eventKeys.item(event.environment_id, event.time, event.id),
        ProjectionExpression: 'published_at',
        ConsistentRead: true,
      }),
    );
    return typeof result.Item?.published_at === 'string';
  }

  async markPublished(event: LifecycleEvent): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: eventKeys.item(event.environment_id, event.time, event.id),
        UpdateExpression: 'SET published_at = :at',
        // Never re-creates an event that expired meanwhile.
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':at': new Date().toISOString() },
      }),
    );
  }

  list(
    filter: EventFilter & { ownerId?: string | undefined; projectId?: string | undefined },
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
    const clauses: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (filter.type) {
      clauses.push('#type = :type');
      names['#type'] = 'type';
      values[':type'] = filter.type;
    }
    // One project of the owner's (a service account's view, §44): a filter on the owner's partition.
    if (filter.projectId && filter.ownerId && !filter.environment_id) {
      clauses.push('#project = :project');
      names['#project'] = 'project_id';
      values[':project'] = filter.projectId;
    }
    if (clauses.length > 0) {
      spec.filter = { expression: clauses.join(' AND '), names, values };
      spec.readAhead = 200;
    }
    return queryPage(spec, page, fromItem);
  }
}
