/**
 * Projects on DynamoDB. A project's name is unique per owner through a lock item
 * written in the same transaction as the project; the live-environment counter on
 * the project item guards deletion. The counter moves only in the transactions that
 * record an environment and finish its destroy (their part: `environmentCounted`,
 * `environmentReleased`).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors.ts';
import { nowIso } from '../domain/ids.ts';
import type { Page, PageRequest, ProjectRecord } from '../domain/model.ts';
import type { ProjectChanges, ProjectStore } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import {
  cancellationReasons,
  conditionFailedAt,
  isConditionFailure,
  type TransactItems,
  transactWrite,
} from './conditions.ts';
import { projectFromItem, projectToItem } from './items.ts';
import { projectKeys } from './keys.ts';
import { queryPage } from './pagination.ts';
import { previewSettingsRemoved } from './preview-store.ts';

function duplicateName(name: string): ConflictError {
  return new ConflictError(`You already have a project named '${name}'`, 'DUPLICATE_NAME');
}

/** The project changed between our read and our write (no If-Match was involved: 409, not 412). */
function concurrentChange(project: ProjectRecord): ConflictError {
  return new ConflictError(
    `Project ${project.id} was changed by another request; read it again and retry`,
    'CONCURRENT_MODIFICATION',
  );
}

/** One live environment more, in the transaction that records it (fails if the project is gone). */
export function environmentCounted(projectId: string): TransactItems[number] {
  return {
    Update: {
      TableName: tableName(),
      Key: projectKeys.item(projectId),
      UpdateExpression: 'ADD live_environments :one',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':one': 1 },
    },
  };
}

/** One live environment less, in the transaction that finishes its destroy. */
export function environmentReleased(projectId: string): TransactItems[number] {
  return {
    Update: {
      TableName: tableName(),
      Key: projectKeys.item(projectId),
      UpdateExpression: 'ADD live_environments :minus',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':minus': -1 },
    },
  };
}

export class DynamoProjectStore implements ProjectStore {
  async create(project: ProjectRecord): Promise<void> {
    try {
      await transactWrite([
        {
          Put: {
            TableName: tableName(),
            Item: projectToItem(project),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: {
              ...projectKeys.nameLock(project.owner_id, project.name),
              entity: 'lock',
              project_id: project.id,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ]);
    } catch (error) {
      if (conditionFailedAt(cancellationReasons(error), 1)) throw duplicateName(project.name);
      throw error;
    }
  }

  async get(id: string): Promise<ProjectRecord | null> {
    const result = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: projectKeys.item(id), ConsistentRead: true }),
    );
    return result.Item ? projectFromItem(result.Item) : null;
  }

  listByOwner(ownerId: string, page: PageRequest): Promise<Page<ProjectRecord>> {
    return queryPage(
      {
        index: 'GSI2',
        partition: projectKeys.ownerPartition(ownerId),
        sortPrefix: 'PRJ#',
        newestFirst: true,
      },
      page,
      projectFromItem,
    );
  }

  listAll(page: PageRequest): Promise<Page<ProjectRecord>> {
    return queryPage(
      { index: 'GSI3', partition: projectKeys.allPartition, newestFirst: true },
      page,
      projectFromItem,
    );
  }

  async update(project: ProjectRecord, changes: ProjectChanges): Promise<ProjectRecord> {
    const updated: ProjectRecord = {
      ...project,
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.approval_policy !== undefined ? { approval_policy: changes.approval_policy } : {}),
      version: project.version + 1,
      updated_at: nowIso(),
    };
    const update = {
      TableName: tableName(),
      Key: projectKeys.item(project.id),
      UpdateExpression:
        'SET #name = :name, description = :description, approval_policy = :policy, version = :next, updated_at = :at',
      ConditionExpression: 'version = :version',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: {
        ':name': updated.name,
        ':description': updated.description,
        ':policy': updated.approval_policy ?? null,
        ':next': updated.version,
        ':at': updated.updated_at,
        ':version': project.version,
      },
    };
    const oldLock = projectKeys.nameLock(project.owner_id, project.name);
    const newLock = projectKeys.nameLock(project.owner_id, updated.name);
    if (oldLock.SK === newLock.SK) {
      try {
        await documentClient().send(new UpdateCommand(update));
      } catch (error) {
        if (isConditionFailure(error)) throw concurrentChange(project);
        throw error;
      }
      return updated;
    }
    // A rename moves the name lock in the same transaction as the project.
    try {
      await transactWrite([
        { Update: update },
        {
          Delete: {
            TableName: tableName(),
            Key: oldLock,
            ConditionExpression: 'project_id = :id',
            ExpressionAttributeValues: { ':id': project.id },
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: { ...newLock, entity: 'lock', project_id: project.id },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ]);
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (conditionFailedAt(reasons, 2)) throw duplicateName(updated.name);
      if (conditionFailedAt(reasons, 0) || conditionFailedAt(reasons, 1)) throw concurrentChange(project);
      throw error;
    }
    return updated;
  }

  async delete(project: ProjectRecord): Promise<void> {
    try {
      await transactWrite([
        {
          Delete: {
            TableName: tableName(),
            Key: projectKeys.item(project.id),
            ConditionExpression: 'attribute_exists(PK) AND live_environments = :zero AND version = :version',
            ExpressionAttributeValues: { ':zero': 0, ':version': project.version },
          },
        },
        {
          // Only this project's lock: the name may belong to another project by now.
          Delete: {
            TableName: tableName(),
            Key: projectKeys.nameLock(project.owner_id, project.name),
            ConditionExpression: 'attribute_not_exists(PK) OR project_id = :id',
            ExpressionAttributeValues: { ':id': project.id },
          },
        },
        // Its pull-request preview settings (and secret) go with it.
        previewSettingsRemoved(project.id),
      ]);
    } catch (error) {
      // Why it lost (gone, still has environments, or changed) is for the domain to tell.
      if (conditionFailedAt(cancellationReasons(error), 0)) throw concurrentChange(project);
      throw error;
    }
  }
}
