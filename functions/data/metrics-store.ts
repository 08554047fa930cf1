/**
 * The metrics counters: one item per hour in the `METRICS` partition, so a period is one
 * range query over at most 720 small items, and one item of live environment counts per
 * status. They move with atomic `ADD`s as the event store records events (`addToCounters`).
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { HOURLY_COUNTERS, type MetricDeltas } from '../domain/lifecycle-events.ts';
import type { MetricsStore } from '../domain/ports.ts';
import { ENVIRONMENT_STATUSES } from '../domain/vocabulary.ts';
import { documentClient, tableName } from './client.ts';
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

async function add(key: { PK: string; SK: string }, counts: Record<string, number>): Promise<void> {
  const expression = addExpression(counts);
  if (!expression) return;
  await documentClient().send(new UpdateCommand({ TableName: tableName(), Key: key, ...expression }));
}

/**
 * Adds recorded events' deltas to the counters: each hour's item (`hourly`, by `YYYY-MM-DDTHH`),
 * then the live counts per status: independent atomic `ADD`s (recording events is best effort,
 * docs/decisions.md §19), so no transaction.
 */
export async function addToCounters(
  hourly: Map<string, Record<string, number>>,
  statuses: Record<string, number>,
): Promise<void> {
  for (const [hour, counts] of hourly) await add(metricKeys.hour(hour), counts);
  await add(metricKeys.statuses, statuses);
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
