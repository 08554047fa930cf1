/**
 * Service accounts on DynamoDB (docs/decisions.md §44): one item per account in its project's
 * partition (`PRJ#<project>` / `SA#<id>`), so a project's list is one Query. The secret is
 * never written: it is the Cognito user's password only.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors.ts';
import type { Page, PageRequest, ServiceAccountRecord } from '../domain/model.ts';
import type { ServiceAccountStore } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import { isConditionFailure } from './conditions.ts';
import { serviceAccountKeys } from './keys.ts';
import { queryPage } from './pagination.ts';

type Item = Record<string, unknown>;

function toItem(account: ServiceAccountRecord): Item {
  return {
    ...serviceAccountKeys.item(account.project_id, account.id),
    entity: 'service_account',
    ...account,
  };
}

function fromItem(item: Item): ServiceAccountRecord {
  const { PK: _pk, SK: _sk, entity: _entity, ...record } = item;
  return record as unknown as ServiceAccountRecord;
}

export class DynamoServiceAccountStore implements ServiceAccountStore {
  async create(account: ServiceAccountRecord): Promise<void> {
    try {
      await documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: toItem(account),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError(`Service account ${account.id} exists already`, 'CONCURRENT_MODIFICATION');
      }
      throw error;
    }
  }

  async get(projectId: string, id: string): Promise<ServiceAccountRecord | null> {
    const result = await documentClient().send(
      new GetCommand({
        TableName: tableName(),
        Key: serviceAccountKeys.item(projectId, id),
        ConsistentRead: true,
      }),
    );
    return result.Item ? fromItem(result.Item) : null;
  }

  listByProject(projectId: string, page: PageRequest): Promise<Page<ServiceAccountRecord>> {
    return queryPage(
      { partition: serviceAccountKeys.projectPartition(projectId), sortPrefix: serviceAccountKeys.prefix },
      page,
      fromItem,
    );
  }

  async markRotated(account: ServiceAccountRecord, at: string): Promise<ServiceAccountRecord> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: serviceAccountKeys.item(account.project_id, account.id),
          UpdateExpression: 'SET rotated_at = :at',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError(
          `Service account ${account.id} was deleted meanwhile`,
          'CONCURRENT_MODIFICATION',
        );
      }
      throw error;
    }
    return { ...account, rotated_at: at };
  }

  async delete(account: ServiceAccountRecord): Promise<void> {
    await documentClient().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: serviceAccountKeys.item(account.project_id, account.id),
      }),
    );
  }
}
