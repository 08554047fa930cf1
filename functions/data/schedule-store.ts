/**
 * The sweeper's schedules on DynamoDB: two sparse indexes of environment items, one by
 * expiry (GSI4: live ephemeral environments, docs/decisions.md §17) and one by the next
 * scheduled drift check (GSI5, §26). The environment's writes put an item in or take it out
 * of them (`settingsUpdate` in environment-updates.ts); this store reads them and makes the
 * sweeper's once-only marks, each a conditional write so that of two sweeps one wins.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LifecycleEvent } from '../domain/lifecycle-events.ts';
import type { EnvironmentRecord } from '../domain/model.ts';
import type { ScheduleStore } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import { cancellationReasons, conditionFailedAt, isConditionFailure, transactWrite } from './conditions.ts';
import { eventPuts } from './event-store.ts';
import { environmentFromItem } from './items.ts';
import { environmentKeys } from './keys.ts';

export class DynamoScheduleStore implements ScheduleStore {
  async listExpired(before: string, limit: number, after?: string): Promise<EnvironmentRecord[]> {
    const expired: EnvironmentRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    // Pages through the whole expired range (up to `limit`): entries that cannot be swept
    // now (busy, or a TTL destroy that failed) must not hide the ones behind them.
    do {
      const result = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'GSI4',
          KeyConditionExpression:
            after === undefined
              ? 'GSI4PK = :pk AND GSI4SK < :before'
              : 'GSI4PK = :pk AND GSI4SK BETWEEN :after AND :before',
          ExpressionAttributeValues: {
            ':pk': environmentKeys.expiryPartition,
            ':before': `${before}#~`,
            // Sort keys are `<expires_at>#<id>`: '#~' sorts after every id of that instant.
            ...(after === undefined ? {} : { ':after': `${after}#~` }),
          },
          Limit: Math.min(100, limit - expired.length),
          ExclusiveStartKey: startKey,
        }),
      );
      expired.push(...(result.Items ?? []).map(environmentFromItem));
      startKey = result.LastEvaluatedKey;
    } while (startKey && expired.length < limit);
    return expired;
  }

  async markExpiryWarned(
    environmentId: string,
    expiresAt: string,
    events: readonly LifecycleEvent[],
  ): Promise<boolean> {
    try {
      await transactWrite([
        {
          Update: {
            TableName: tableName(),
            Key: environmentKeys.item(environmentId),
            UpdateExpression: 'SET expiry_warned_for = :expires',
            // Once per expiry time: a new TTL (PATCH) gets its own warning.
            ConditionExpression:
              'expires_at = :expires AND (attribute_not_exists(expiry_warned_for) OR expiry_warned_for <> :expires)',
            ExpressionAttributeValues: { ':expires': expiresAt },
          },
        },
        // The warning itself, so it exists exactly when the mark does.
        ...eventPuts(events),
      ]);
      return true;
    } catch (error) {
      if (conditionFailedAt(cancellationReasons(error), 0)) return false;
      throw error;
    }
  }

  async listDriftDue(before: string, limit: number): Promise<EnvironmentRecord[]> {
    const result = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI5',
        KeyConditionExpression: 'GSI5PK = :pk AND GSI5SK < :before',
        ExpressionAttributeValues: { ':pk': environmentKeys.driftPartition, ':before': `${before}#~` },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map(environmentFromItem);
  }

  async claimDriftCheck(environmentId: string, seen: string, next: string): Promise<boolean> {
    const keys = environmentKeys.driftCheck(next, environmentId);
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: environmentKeys.item(environmentId),
          UpdateExpression: 'SET next_drift_check_at = :next, GSI5PK = :pk, GSI5SK = :sk',
          ConditionExpression: 'next_drift_check_at = :seen AND attribute_exists(GSI5PK)',
          ExpressionAttributeValues: { ':next': next, ':seen': seen, ':pk': keys.GSI5PK, ':sk': keys.GSI5SK },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
