/**
 * The workflow side of the table: what the Step Functions steps read and write. Each
 * write is conditional on the operation still owning the record and on the expected
 * status; a retried step that finds its own write already applied succeeds without
 * writing again (Lambda retries must be harmless).
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StaleOperationError } from '../domain/errors.ts';
import type { EnvironmentRecord, OperationRecord, StackRecord } from '../domain/model.ts';
import type { OperationOutcome, OperationStore, StackCompletion } from '../domain/ports.ts';
import type { StackStatusValue } from '../domain/schemas.ts';
import { documentClient, tableName } from './client.ts';
import { cancellationReasons, isConditionFailure } from './conditions.ts';
import { getEnvironmentItem, getStackItem, queryStacks } from './environment-store.ts';
import { operationFromItem } from './items.ts';
import { environmentKeys, operationKeys, projectKeys, stackKeys } from './keys.ts';

function notOwned(environmentId: string, operationId: string): StaleOperationError {
  return new StaleOperationError(`Operation ${operationId} no longer owns environment ${environmentId}`);
}

export class DynamoOperationStore implements OperationStore {
  async getOperation(id: string): Promise<OperationRecord | null> {
    const result = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: operationKeys.item(id), ConsistentRead: true }),
    );
    return result.Item ? operationFromItem(result.Item) : null;
  }

  getEnvironment(id: string): Promise<EnvironmentRecord | null> {
    return getEnvironmentItem(id);
  }

  listStacks(environmentId: string): Promise<StackRecord[]> {
    return queryStacks(environmentId);
  }

  getStack(environmentId: string, name: string): Promise<StackRecord | null> {
    return getStackItem(environmentId, name);
  }

  async startWalk(
    environment: EnvironmentRecord,
    operationId: string,
    layers: number,
    stacks: number,
  ): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: environmentKeys.item(environment.id),
          // The done set is kept: a re-run of the same operation goes on counting from it.
          UpdateExpression:
            'SET progress_layer = :zero, progress_layers = :layers, progress_stacks = :stacks',
          ConditionExpression: 'current_operation_id = :op',
          ExpressionAttributeValues: { ':zero': 0, ':layers': layers, ':stacks': stacks, ':op': operationId },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw notOwned(environment.id, operationId);
      throw error;
    }
  }

  async setLayer(environmentId: string, operationId: string, layer: number): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: environmentKeys.item(environmentId),
          UpdateExpression: 'SET progress_layer = :layer',
          ConditionExpression: 'current_operation_id = :op',
          ExpressionAttributeValues: { ':layer': layer, ':op': operationId },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw notOwned(environmentId, operationId);
      throw error;
    }
  }

  async startStack(
    environmentId: string,
    operationId: string,
    stack: string,
    from: StackStatusValue[],
    to: StackStatusValue,
    at: string,
  ): Promise<void> {
    const fromValues = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: stackKeys.item(environmentId, stack),
          UpdateExpression:
            'SET #status = :to, operation_id = :op, started_at = :at, finished_at = :null, #error = :null',
          ConditionExpression: `attribute_exists(PK) AND (#status IN (${Object.keys(fromValues).join(', ')}) OR (#status = :to AND operation_id = :op))`,
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: {
            ...fromValues,
            ':to': to,
            ':op': operationId,
            ':at': at,
            ':null': null,
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new StaleOperationError(`Stack ${stack} cannot move to ${to}: it is not in ${from.join('/')}`);
      }
      throw error;
    }
  }

  async completeStack(
    environmentId: string,
    operationId: string,
    stack: string,
    from: StackStatusValue,
    result: StackCompletion,
  ): Promise<void> {
    const sets = ['#status = :to', 'finished_at = :at', '#error = :error'];
    const values: Record<string, unknown> = {
      ':to': result.status,
      ':at': result.at,
      ':error': result.error ?? null,
      ':from': from,
      ':op': operationId,
    };
    if (result.resources) {
      sets.push('resources = :resources');
      values[':resources'] = result.resources;
    }
    if (result.outputs) {
      sets.push('outputs = :outputs');
      values[':outputs'] = result.outputs;
    }
    if (result.estimated_monthly_cost_usd !== undefined) {
      sets.push('estimated_monthly_cost_usd = :cost');
      values[':cost'] = result.estimated_monthly_cost_usd;
    }
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName(),
                Key: stackKeys.item(environmentId, stack),
                UpdateExpression: `SET ${sets.join(', ')}`,
                ConditionExpression: '#status = :from AND operation_id = :op',
                ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
                ExpressionAttributeValues: values,
              },
            },
            {
              Update: {
                TableName: tableName(),
                Key: environmentKeys.item(environmentId),
                UpdateExpression: 'ADD done_stacks :stack',
                ConditionExpression: 'current_operation_id = :op',
                ExpressionAttributeValues: { ':stack': new Set([stack]), ':op': operationId },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!cancellationReasons(error)) throw error;
      const current = await getStackItem(environmentId, stack);
      // A retry of a step whose write already landed.
      if (current?.status === result.status && current.operation_id === operationId) return;
      throw notOwned(environmentId, operationId);
    }
  }

  async finish(
    environment: EnvironmentRecord,
    operation: OperationRecord,
    outcome: OperationOutcome,
  ): Promise<void> {
    const table = tableName();
    const owns = environment.current_operation_id === operation.id;
    const progress = { ...environment.progress };
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Update: {
          TableName: table,
          Key: operationKeys.item(operation.id),
          UpdateExpression: 'SET #status = :status, finished_at = :at, #error = :error, progress = :progress',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: {
            ':status': outcome.operationStatus,
            ':at': outcome.at,
            ':error': outcome.error,
            ':progress': progress,
            ':running': 'running',
          },
        },
      },
    ];
    if (owns) {
      const sets = ['#status = :status', '#error = :error', 'version = :next', 'updated_at = :at'];
      const values: Record<string, unknown> = {
        ':status': outcome.environmentStatus,
        ':error': outcome.error,
        ':next': environment.version + 1,
        ':at': outcome.at,
        ':op': operation.id,
        ':expected': environment.status,
      };
      if (outcome.baseUrl !== undefined) {
        sets.push('base_url = :url');
        values[':url'] = outcome.baseUrl;
      }
      if (outcome.estimatedMonthlyCostUsd !== undefined) {
        sets.push('estimated_monthly_cost_usd = :cost');
        values[':cost'] = outcome.estimatedMonthlyCostUsd;
      }
      items.push({
        Update: {
          TableName: table,
          Key: environmentKeys.item(environment.id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'current_operation_id = :op AND #status = :expected',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: values,
        },
      });
      if (outcome.releaseName) {
        items.push(
          {
            Delete: {
              TableName: table,
              Key: environmentKeys.nameLock(environment.project_id, environment.name),
              ConditionExpression: 'attribute_not_exists(PK) OR environment_id = :id',
              ExpressionAttributeValues: { ':id': environment.id },
            },
          },
          {
            Update: {
              TableName: table,
              Key: projectKeys.item(environment.project_id),
              UpdateExpression: 'ADD live_environments :minus',
              ConditionExpression: 'attribute_exists(PK)',
              ExpressionAttributeValues: { ':minus': -1 },
            },
          },
        );
      }
    }
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!cancellationReasons(error)) throw error;
      const current = await this.getOperation(operation.id);
      // A retry of a step whose transaction already committed.
      if (current?.status === outcome.operationStatus) return;
      throw notOwned(environment.id, operation.id);
    }
  }
}
