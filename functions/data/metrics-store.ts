/**
 * The metrics counters (written by the event store as events are recorded): one item per
 * hour in the `METRICS` partition, so a period is one range query over at most 720
 * small items, and one item of live environment counts per status.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { HOURLY_COUNTERS, type MetricDeltas } from '../domain/lifecycle-events.ts';
import type { MetricsStore } from '../domain/ports.ts';
import { ENVIRONMENT_STATUSES } from '../domain/vocabulary.ts';
import { documentClient, tableName } from './client.ts';
import { metricKeys } from './keys.ts';

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
