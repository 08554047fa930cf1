/**
 * The metrics counters: one item per hour in the `METRICS` partition, so a period is one
 * range query over at most 720 small items, and one item of live environment counts per
 * status. They move with atomic `ADD`s in the transaction that marks an event counted
 * (`counterUpdates`, docs/decisions.md §35).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { HOURLY_COUNTERS, type MetricDeltas } from '../domain/lifecycle-events.ts';
import type { MetricsStore } from '../domain/ports.ts';
import { ENVIRONMENT_STATUSES } from '../domain/vocabulary.ts';
import { documentClient, tableName } from './client.ts';
import type { TransactItems } from './conditions.ts';
import { metricKeys } from './keys.ts';

/** `ADD #a :a, #b :b` for the non-zero counts of `counts`, or null when there are none. */
function addExpression(counts: Record<string, number | undefined>) {
  const entries = Object.entries(counts).filter(
    (e): e is [string, number] => typeof e[1] === 'number' && e[1] !== 0,
  );
  if (entries.length === 0) return null;
  return {
    UpdateExpression: `ADD ${entries.map(([name]) => `#${name} :${name}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
    ExpressionAttributeValues: Object.fromEntries(entries.map(([name, n]) => [`:${name}`, n])),
  };
}

/**
 * The counter updates of one event's deltas, for the transaction that marks the event counted
 * (event-store.ts `count`): each hour's item (`hourly`, by `YYYY-MM-DDTHH`), then the live
 * counts per status; atomic `ADD`s, none for a zero delta.
 */
export function counterUpdates(
  hourly: Map<string, Record<string, number>>,
  statuses: Record<string, number>,
): TransactItems {
  const items: TransactItems = [];
  const update = (Key: { PK: string; SK: string }, counts: Record<string, number>) => {
    const expression = addExpression(counts);
    if (expression) items.push({ Update: { TableName: tableName(), Key, ...expression } });
  };
  for (const [hour, counts] of hourly) update(metricKeys.hour(hour), counts);
  update(metricKeys.statuses, statuses);
  return items;
}

export class DynamoMetricsStore implements MetricsStore {
  async hourly(fromHour: string, toHour: string): Promise<MetricDeltas['hourly']> {
    const sums: MetricDeltas['hourly'] = {};
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': metricKeys.partition,
            ':from': metricKeys.hourSortKey(fromHour),
            ':to': metricKeys.hourSortKey(toHour),
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        for (const name of HOURLY_COUNTERS) {
          const n = item[name];
          if (typeof n === 'number') sums[name] = (sums[name] ?? 0) + n;
        }
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return sums;
  }

  async statuses(): Promise<MetricDeltas['statuses']> {
    const result = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: metricKeys.statuses }),
    );
    const counts: MetricDeltas['statuses'] = {};
    for (const status of ENVIRONMENT_STATUSES) {
      const n = result.Item?.[status];
      if (typeof n === 'number') counts[status] = n;
    }
    return counts;
  }
}
