/**
 * Stacks on DynamoDB: one item per stack in its environment's partition (`ENV#id` /
 * `STACK#name`), so an environment's stacks are one Query. Each item names its
 * environment's owner (it never changes), so the API can check the caller in the same read.
 *
 * The API reads stacks and records what a refresh found; the workflow's stack steps move a
 * stack through its statuses. Each step is one transaction: the stack, the environment's
 * claim (the operation must still hold it; see environment-updates.ts), the operation's copy
 * of the stack's status (operation-view.ts) and the step's log lines. A retried step whose
 * write had already landed finds out from the failed condition (then reads, on that rare
 * path only) and succeeds without writing again: Lambda retries must be harmless.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, StaleOperationError } from '../domain/errors.ts';
import type { DriftChange, LogRecord, StackRecord } from '../domain/model.ts';
import type { Claim, StackCompletion, StackStore } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import {
  cancellationReasons,
  conditionFailedAt,
  isConditionFailure,
  type TransactItems,
} from './conditions.ts';
import { claimCheck, claimedUpdate, claimLost } from './environment-updates.ts';
import { stackFromItem, stackOwner } from './items.ts';
import { stackKeys } from './keys.ts';
import { transactWithLogs } from './log-store.ts';
import { viewUpdate } from './operation-view.ts';

/** A stack's status (the contract's enum, as the domain records it). */
type StackStatusValue = StackRecord['status'];

/**
 * A stack skipped by the walk (a dependency did not provision), in the transaction that
 * starts its layer (see `startLayer` in operation-store.ts). Never a provisioned stack.
 */
export function stackSkipped(claim: Claim, stack: string, reason: string, at: string): TransactItems[number] {
  return {
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
  };
}

/**
 * A stack the settled run never started (docs/decisions.md §33), in the transaction that ends
 * the operation (see `finish` in operation-store.ts). Only a stack still `pending`: nothing
 * else writes a stack while the operation holds its environment.
 */
export function stackNotStarted(
  environmentId: string,
  operationId: string,
  stack: string,
  reason: string,
  at: string,
): TransactItems[number] {
  return {
    Update: {
      TableName: tableName(),
      Key: stackKeys.item(environmentId, stack),
      UpdateExpression:
        'SET #status = :not_started, operation_id = :op, #error = :reason, started_at = :null, finished_at = :at',
      ConditionExpression: 'attribute_exists(PK) AND #status = :pending',
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
      ExpressionAttributeValues: {
        ':not_started': 'not_started',
        ':pending': 'pending',
        ':op': operationId,
        ':reason': reason,
        ':null': null,
        ':at': at,
      },
    },
  };
}

export class DynamoStackStore implements StackStore {
  // ---------------------------------------------------------------- reads (API and workflow)

  async list(environmentId: string): Promise<StackRecord[]> {
    return (await this.listWithOwner(environmentId)).stacks;
  }

  /** Reads every stack (a template has at most a few dozen: one or two pages). */
  async listWithOwner(environmentId: string): Promise<{ ownerId: string | null; stacks: StackRecord[] }> {
    const stacks: StackRecord[] = [];
    const owners = new Set<string | null>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: {
            ':pk': stackKeys.partition(environmentId),
            ':prefix': stackKeys.prefix,
          },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        stacks.push(stackFromItem(item));
        owners.add(stackOwner(item));
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    const [ownerId] = owners;
    return { ownerId: owners.size === 1 ? (ownerId ?? null) : null, stacks };
  }

  async get(environmentId: string, name: string): Promise<StackRecord | null> {
    return (await this.getWithOwner(environmentId, name))?.stack ?? null;
  }

  async getWithOwner(
    environmentId: string,
    name: string,
  ): Promise<{ ownerId: string | null; stack: StackRecord } | null> {
    const result = await documentClient().send(
      new GetCommand({
        TableName: tableName(),
        Key: stackKeys.item(environmentId, name),
        ConsistentRead: true,
      }),
    );
    return result.Item ? { ownerId: stackOwner(result.Item), stack: stackFromItem(result.Item) } : null;
  }

  // ---------------------------------------------------------------- the API's refresh

  async recordDrift(
    environmentId: string,
    stack: string,
    drift: { checked_at: string; changes: DriftChange[] },
    expected: { operation_id: string | null; status: StackStatusValue },
  ): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: stackKeys.item(environmentId, stack),
          UpdateExpression: 'SET drifted = :drifted, drift = :drift',
          ConditionExpression: 'attribute_exists(PK) AND operation_id = :op AND #status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':drifted': drift.changes.length > 0,
            ':drift': drift,
            ':op': expected.operation_id,
            ':status': expected.status,
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError(
          `Stack ${stack} of ${environmentId} changed while it was being refreshed; refresh again`,
          'CONCURRENT_MODIFICATION',
        );
      }
      throw error;
    }
  }

  // ---------------------------------------------------------------- the workflow's stack steps

  async start(
    claim: Claim,
    stack: string,
    from: StackStatusValue[],
    to: StackStatusValue,
    at: string,
    logs: LogRecord[],
  ): Promise<void> {
    const fromValues = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
    try {
      await transactWithLogs(
        [
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
          viewUpdate(claim.operationId, { statuses: { [stack]: to } }),
        ],
        logs,
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (conditionFailedAt(reasons, 0)) throw claimLost(claim.environmentId, claim.operationId);
      if (conditionFailedAt(reasons, 1)) {
        throw new StaleOperationError(`Stack ${stack} cannot move to ${to}: it is not in ${from.join('/')}`);
      }
      throw error;
    }
  }

  async countTry(
    claim: Claim,
    stack: string,
    during: StackStatusValue,
    done: StackStatusValue,
  ): Promise<number | null> {
    try {
      const result = await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: stackKeys.item(claim.environmentId, stack),
          UpdateExpression: 'ADD tries :one',
          ConditionExpression: 'operation_id = :op AND #status = :during',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':op': claim.operationId, ':during': during },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(result.Attributes?.tries ?? 1);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.get(claim.environmentId, stack);
      // A retry of a step whose write already landed: nothing left to try.
      if (current?.status === done && current.operation_id === claim.operationId) return null;
      throw claimLost(claim.environmentId, claim.operationId);
    }
  }

  async fail(
    claim: Claim,
    stack: string,
    during: StackStatusValue,
    reason: string,
    at: string,
    logs: LogRecord[] = [],
  ): Promise<void> {
    try {
      await transactWithLogs(
        [
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
          viewUpdate(claim.operationId, { statuses: { [stack]: 'failed' } }),
        ],
        logs,
      );
    } catch (error) {
      if (cancellationReasons(error)) throw claimLost(claim.environmentId, claim.operationId);
      throw error;
    }
  }

  /** Also counts the stack as done on the environment (`done_stacks`, a set: idempotent). */
  async complete(
    claim: Claim,
    stack: string,
    from: StackStatusValue,
    result: StackCompletion,
    logs: LogRecord[],
  ): Promise<boolean> {
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
    try {
      await transactWithLogs(
        [
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
          claimedUpdate(claim, 'ADD done_stacks :stack', { ':stack': new Set([stack]) }),
          viewUpdate(claim.operationId, { statuses: { [stack]: result.status }, done: stack }),
        ],
        logs,
      );
      return true;
    } catch (error) {
      if (!cancellationReasons(error)) throw error;
      const current = await this.get(claim.environmentId, stack);
      // A retry of a step whose write already landed.
      if (current?.status === result.status && current.operation_id === claim.operationId) return false;
      throw claimLost(claim.environmentId, claim.operationId);
    }
  }
}
