/**
 * The workflow side of the table: what the Step Functions steps read and write. Each
 * write is conditional on the operation still owning the record and on the expected
 * status; a retried step that finds its own write already applied succeeds without
 * writing again (Lambda retries must be harmless).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StaleOperationError } from '../domain/errors.ts';
import type { EnvironmentRecord, OperationRecord, StackRecord } from '../domain/model.ts';
import type { Claim, OperationOutcome, OperationStore, StackCompletion } from '../domain/ports.ts';
import type { StackStatusValue } from '../domain/schemas.ts';
import { documentClient, tableName } from './client.ts';
import {
  cancellationReasons,
  conditionFailedAt,
  isConditionFailure,
  type TransactItems,
  transactWrite,
} from './conditions.ts';
import {
  getEnvironmentItem,
  getStackItem,
  queryStacks,
  settingsUpdate,
  statusUpdate,
} from './environment-store.ts';
import { operationFromItem } from './items.ts';
import { environmentKeys, operationKeys, projectKeys, quotaKeys, stackKeys } from './keys.ts';

/** The environment is still held by this operation, in the operation's status. */
function claimCondition(claim: Claim) {
  return {
    ConditionExpression: 'current_operation_id = :claimOp AND #claimStatus = :claimStatus',
    ExpressionAttributeNames: { '#claimStatus': 'status' },
    ExpressionAttributeValues: { ':claimOp': claim.operationId, ':claimStatus': claim.active } as Record<
      string,
      unknown
    >,
  };
}

/** A transaction item that fails unless the claim still holds. */
function claimCheck(claim: Claim) {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: environmentKeys.item(claim.environmentId),
      ...claimCondition(claim),
    },
  };
}

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

  async startWalk(claim: Claim, layers: number, stacks: number): Promise<void> {
    // The done set is kept: a re-run of the same operation goes on counting from it.
    await this.updateClaimed(
      claim,
      'SET progress_layer = :zero, progress_layers = :layers, progress_stacks = :stacks',
      {
        ':zero': 0,
        ':layers': layers,
        ':stacks': stacks,
      },
    );
  }

  async setLayer(claim: Claim, layer: number): Promise<void> {
    await this.updateClaimed(claim, 'SET progress_layer = :layer', { ':layer': layer });
  }

  /** Updates the environment item if the claim still holds. */
  private async updateClaimed(
    claim: Claim,
    expression: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: environmentKeys.item(claim.environmentId),
          UpdateExpression: expression,
          ...claimCondition(claim),
          ExpressionAttributeValues: { ...values, ...claimCondition(claim).ExpressionAttributeValues },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw notOwned(claim.environmentId, claim.operationId);
      throw error;
    }
  }

  async startStack(
    claim: Claim,
    stack: string,
    from: StackStatusValue[],
    to: StackStatusValue,
    at: string,
  ): Promise<void> {
    const fromValues = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
    try {
      await transactWrite([
        claimCheck(claim),
        {
          Update: {
            TableName: tableName(),
            Key: stackKeys.item(claim.environmentId, stack),
            UpdateExpression:
              'SET #status = :to, operation_id = :op, started_at = :at, finished_at = :null, #error = :null, tries = :zero',
            ConditionExpression: `attribute_exists(PK) AND (#status IN (${Object.keys(fromValues).join(', ')}) OR (#status = :to AND operation_id = :op))`,
            ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
            ExpressionAttributeValues: {
              ...fromValues,
              ':to': to,
              ':op': claim.operationId,
              ':at': at,
              ':null': null,
              ':zero': 0,
            },
          },
        },
      ]);
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (conditionFailedAt(reasons, 0)) throw notOwned(claim.environmentId, claim.operationId);
      if (conditionFailedAt(reasons, 1)) {
        throw new StaleOperationError(`Stack ${stack} cannot move to ${to}: it is not in ${from.join('/')}`);
      }
      throw error;
    }
  }

  async countTry(claim: Claim, stack: string): Promise<number> {
    try {
      const result = await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: stackKeys.item(claim.environmentId, stack),
          UpdateExpression: 'ADD tries :one',
          ConditionExpression: 'operation_id = :op',
          ExpressionAttributeValues: { ':one': 1, ':op': claim.operationId },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(result.Attributes?.tries ?? 1);
    } catch (error) {
      if (isConditionFailure(error)) throw notOwned(claim.environmentId, claim.operationId);
      throw error;
    }
  }

  async skipStacks(claim: Claim, skipped: { stack: string; reason: string }[], at: string): Promise<void> {
    // One transaction per batch of stacks, with the claim checked once per batch.
    for (let i = 0; i < skipped.length; i += 90) {
      const batch = skipped.slice(i, i + 90);
      try {
        await transactWrite([
          claimCheck(claim),
          ...batch.map(({ stack, reason }) => ({
            Update: {
              TableName: tableName(),
              Key: stackKeys.item(claim.environmentId, stack),
              UpdateExpression:
                'SET #status = :skipped, operation_id = :op, #error = :reason, started_at = :null, finished_at = :at',
              ConditionExpression: 'attribute_exists(PK) AND #status <> :provisioned',
              ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
              ExpressionAttributeValues: {
                ':skipped': 'skipped',
                ':provisioned': 'provisioned',
                ':op': claim.operationId,
                ':reason': reason,
                ':null': null,
                ':at': at,
              },
            },
          })),
        ]);
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (conditionFailedAt(reasons, 0)) throw notOwned(claim.environmentId, claim.operationId);
        if (reasons) throw new StaleOperationError('A stack to skip is provisioned already');
        throw error;
      }
    }
  }

  async failStack(
    claim: Claim,
    stack: string,
    during: StackStatusValue,
    reason: string,
    at: string,
  ): Promise<void> {
    try {
      await transactWrite([
        claimCheck(claim),
        {
          Update: {
            TableName: tableName(),
            Key: stackKeys.item(claim.environmentId, stack),
            UpdateExpression: 'SET #status = :failed, #error = :reason, finished_at = :at',
            ConditionExpression: 'operation_id = :op AND #status IN (:during, :failed)',
            ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':during': during,
              ':reason': reason,
              ':at': at,
              ':op': claim.operationId,
            },
          },
        },
      ]);
    } catch (error) {
      if (cancellationReasons(error)) throw notOwned(claim.environmentId, claim.operationId);
      throw error;
    }
  }

  async completeStack(
    claim: Claim,
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
      ':op': claim.operationId,
    };
    if (result.resources || result.status === 'destroyed') {
      // New resources, or none: what a refresh found about the old ones no longer applies.
      sets.push('drifted = :notDrifted', 'drift = :noDrift');
      values[':notDrifted'] = false;
      values[':noDrift'] = null;
    }
    if (result.inputs) {
      sets.push('inputs = :inputs');
      values[':inputs'] = result.inputs;
    }
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
    const condition = claimCondition(claim);
    try {
      await transactWrite([
        {
          Update: {
            TableName: tableName(),
            Key: stackKeys.item(claim.environmentId, stack),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: '#status = :from AND operation_id = :op',
            ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
            ExpressionAttributeValues: values,
          },
        },
        {
          Update: {
            TableName: tableName(),
            Key: environmentKeys.item(claim.environmentId),
            UpdateExpression: 'ADD done_stacks :stack',
            ...condition,
            ExpressionAttributeValues: { ':stack': new Set([stack]), ...condition.ExpressionAttributeValues },
          },
        },
      ]);
    } catch (error) {
      if (!cancellationReasons(error)) throw error;
      const current = await getStackItem(claim.environmentId, stack);
      // A retry of a step whose write already landed.
      if (current?.status === result.status && current.operation_id === claim.operationId) return;
      throw notOwned(claim.environmentId, claim.operationId);
    }
  }

  async finish(
    environment: EnvironmentRecord,
    operation: OperationRecord,
    outcome: OperationOutcome,
  ): Promise<boolean> {
    const table = tableName();
    const owns = environment.current_operation_id === operation.id;
    const progress = { ...environment.progress };
    const items: TransactItems = [
      {
        Update: {
          TableName: table,
          Key: operationKeys.item(operation.id),
          UpdateExpression:
            'SET #status = :status, finished_at = :at, #error = :error, progress = :progress, outcome = :outcome, stack_results = :results',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: {
            ':status': outcome.operationStatus,
            ':at': outcome.at,
            ':error': outcome.error,
            ':progress': progress,
            ':outcome': outcome.outcome ?? null,
            ':results': outcome.stackResults ?? null,
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
      // The status lists move with the status.
      const indexes = statusUpdate(environment, outcome.environmentStatus);
      Object.assign(values, indexes.values);
      // Settings an operation that never started had changed are put back (the same clauses as their change).
      const restore = settingsUpdate(outcome.restore ?? {});
      const names: Record<string, string> = { '#status': 'status', '#error': 'error', ...restore.names };
      Object.assign(values, restore.values);
      // A destroyed environment leaves the expiry and drift indexes: the sweeper is done with it.
      const removes = outcome.releaseName ? ['GSI4PK', 'GSI4SK', 'GSI5PK', 'GSI5SK'] : restore.removes;
      items.push({
        Update: {
          TableName: table,
          Key: environmentKeys.item(environment.id),
          UpdateExpression: `SET ${sets.join(', ')}${indexes.sets}${restore.sets}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'current_operation_id = :op AND #status = :expected',
          ExpressionAttributeNames: names,
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
      if (outcome.releaseVpc) {
        items.push({
          Update: {
            TableName: table,
            Key: quotaKeys.vpc(environment.account_id, environment.region),
            UpdateExpression: 'ADD used :minus',
            ConditionExpression: 'used > :zero',
            ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
          },
        });
      }
    }
    try {
      await transactWrite(items);
      return true;
    } catch (error) {
      if (!cancellationReasons(error)) throw error;
      const current = await this.getOperation(operation.id);
      // A retry of a step whose transaction already committed, or another writer (the
      // reconciler) that settled it the same way: nothing written by this call.
      if (current?.status === outcome.operationStatus) return false;
      throw notOwned(environment.id, operation.id);
    }
  }
}
