/**
 * The workflow side of the table: what the Step Functions steps read and write. Each
 * write is conditional on the operation still owning the record and on the expected
 * status; a retried step whose write already landed finds out from the failed condition
 * (then reads, on that rare path only) and succeeds without writing again (Lambda retries
 * must be harmless).
 *
 * A step makes one write: the records it changes, the operation's copy of them (what
 * `GET /operations/{id}` reads, see items.ts) and its log lines go in one transaction.
 */
import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StaleOperationError, TransientStoreError } from '../domain/errors.ts';
import type { EnvironmentRecord, LogRecord, OperationRecord, StackRecord } from '../domain/model.ts';
import type { Claim, OperationOutcome, OperationStore, StackCompletion } from '../domain/ports.ts';
import type { StackStatusValue } from '../domain/vocabulary.ts';
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
import { environmentFromItem, operationFromItem, stackStatusAttribute } from './items.ts';
import { environmentKeys, operationKeys, projectKeys, quotaKeys, stackKeys } from './keys.ts';
import { logItems, putLogItems } from './log-store.ts';

/** DynamoDB's limit of items in one transaction. */
const TRANSACTION_LIMIT = 100;
/** Attempts to read keys BatchGetItem leaves unprocessed (throttling) before giving up. */
const MAX_BATCH_GET_ATTEMPTS = 5;

type TransactItem = TransactItems[number];

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
function claimCheck(claim: Claim): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: environmentKeys.item(claim.environmentId),
      ...claimCondition(claim),
    },
  };
}

/** An update of the environment item that fails unless the claim still holds. */
function claimedEnvironmentUpdate(
  claim: Claim,
  expression: string,
  values: Record<string, unknown>,
): TransactItem {
  const condition = claimCondition(claim);
  return {
    Update: {
      TableName: tableName(),
      Key: environmentKeys.item(claim.environmentId),
      UpdateExpression: expression,
      ...condition,
      ExpressionAttributeValues: { ...values, ...condition.ExpressionAttributeValues },
    },
  };
}

/** What changes on the operation's copy of its view (see items.ts). */
interface ViewChange {
  /** New statuses of stacks. */
  statuses?: Record<string, StackStatusValue>;
  /** Progress attributes to set (`progress_layer`, `progress_layers`, `progress_stacks`). */
  progress?: Record<string, number>;
  /** A stack to count as done. */
  done?: string;
}

/**
 * The update of the operation item's view, in the transaction of the change it mirrors. It
 * needs no condition of its own (the claim holds the operation too), only that the item is
 * there, so a mistaken key cannot create a stray one.
 */
function viewUpdate(operationId: string, change: ViewChange): TransactItem {
  const sets: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  Object.entries(change.statuses ?? {}).forEach(([stack, status], i) => {
    sets.push(`#view${i} = :view${i}`);
    names[`#view${i}`] = stackStatusAttribute(stack);
    values[`:view${i}`] = status;
  });
  for (const [name, value] of Object.entries(change.progress ?? {})) {
    sets.push(`${name} = :${name}`);
    values[`:${name}`] = value;
  }
  const clauses = [sets.length > 0 ? `SET ${sets.join(', ')}` : ''];
  if (change.done) {
    clauses.push('ADD done_stacks :done');
    values[':done'] = new Set([change.done]);
  }
  return {
    Update: {
      TableName: tableName(),
      Key: operationKeys.item(operationId),
      UpdateExpression: clauses.filter(Boolean).join(' '),
      ConditionExpression: 'attribute_exists(PK)',
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * Sends a step's writes and its log lines as one transaction. Lines that do not fit (a
 * transaction holds 100 items; no stack has nearly that many resources) are appended
 * after it, best effort like every log line.
 */
async function transactWithLogs(items: TransactItems, logs: LogRecord[]): Promise<void> {
  const puts = logItems(logs);
  const room = Math.max(0, TRANSACTION_LIMIT - items.length);
  await transactWrite([
    ...items,
    ...puts.slice(0, room).map((Item) => ({ Put: { TableName: tableName(), Item } })),
  ]);
  if (puts.length > room) await appendQuietly(puts.slice(room));
}

/** Appends log items, never failing the step for a lost log line. */
async function appendQuietly(items: Record<string, unknown>[]): Promise<void> {
  try {
    await putLogItems(items);
  } catch {
    // Best effort by design: a lost log line must not fail or repeat a step.
  }
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

  async getEnvironmentAndOperation(
    environmentId: string,
    operationId: string,
  ): Promise<{ environment: EnvironmentRecord | null; operation: OperationRecord | null }> {
    const table = tableName();
    const found: Record<string, unknown>[] = [];
    let keys: Record<string, unknown>[] = [
      environmentKeys.item(environmentId),
      operationKeys.item(operationId),
    ];
    for (let attempt = 1; keys.length > 0; attempt++) {
      if (attempt > MAX_BATCH_GET_ATTEMPTS) throw new TransientStoreError();
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt * Math.random()));
      const result = await documentClient().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      );
      found.push(...(result.Responses?.[table] ?? []));
      keys = result.UnprocessedKeys?.[table]?.Keys ?? [];
    }
    const environment = found.find((item) => item.SK === environmentKeys.item(environmentId).SK);
    const operation = found.find((item) => item.SK === operationKeys.item(operationId).SK);
    return {
      environment: environment ? environmentFromItem(environment) : null,
      operation: operation ? operationFromItem(operation) : null,
    };
  }

  listStacks(environmentId: string): Promise<StackRecord[]> {
    return queryStacks(environmentId);
  }

  getStack(environmentId: string, name: string): Promise<StackRecord | null> {
    return getStackItem(environmentId, name);
  }

  async startWalk(claim: Claim, layers: number, stacks: number, logs: LogRecord[]): Promise<void> {
    // The done set is kept: a re-run of the same operation goes on counting from it.
    const progress = { progress_layer: 0, progress_layers: layers, progress_stacks: stacks };
    await this.sendClaimed(
      claim,
      [
        claimedEnvironmentUpdate(
          claim,
          'SET progress_layer = :progress_layer, progress_layers = :progress_layers, progress_stacks = :progress_stacks',
          Object.fromEntries(Object.entries(progress).map(([name, value]) => [`:${name}`, value])),
        ),
        viewUpdate(claim.operationId, { progress }),
      ],
      logs,
    );
  }

  async startLayer(
    claim: Claim,
    change: { layer: number | null; skipped: { stack: string; reason: string }[]; at: string },
    logs: LogRecord[],
  ): Promise<void> {
    const { layer, at } = change;
    if (layer === null && change.skipped.length === 0 && logs.length === 0) return;
    // The environment item first (the layer, or the claim alone), then the operation's copy,
    // then one update per skipped stack; a template has at most a few dozen stacks.
    const skips = change.skipped.map(({ stack, reason }) => ({
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
    }));
    const view: ViewChange = {
      statuses: Object.fromEntries(change.skipped.map(({ stack }) => [stack, 'skipped' as const])),
      ...(layer === null ? {} : { progress: { progress_layer: layer } }),
    };
    const items: TransactItems = [
      layer === null
        ? claimCheck(claim)
        : claimedEnvironmentUpdate(claim, 'SET progress_layer = :layer', { ':layer': layer }),
      ...(layer === null && skips.length === 0 ? [] : [viewUpdate(claim.operationId, view)]),
      ...skips,
    ];
    try {
      await transactWithLogs(items, logs);
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (conditionFailedAt(reasons, 0)) throw notOwned(claim.environmentId, claim.operationId);
      if (reasons) throw new StaleOperationError('A stack to skip is provisioned already');
      throw error;
    }
  }

  async startStack(
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
      if (conditionFailedAt(reasons, 0)) throw notOwned(claim.environmentId, claim.operationId);
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
      const current = await getStackItem(claim.environmentId, stack);
      // A retry of a step whose write already landed: nothing left to try.
      if (current?.status === done && current.operation_id === claim.operationId) return null;
      throw notOwned(claim.environmentId, claim.operationId);
    }
  }

  async failStack(
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
      if (cancellationReasons(error)) throw notOwned(claim.environmentId, claim.operationId);
      throw error;
    }
  }

  async completeStack(
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
          claimedEnvironmentUpdate(claim, 'ADD done_stacks :stack', { ':stack': new Set([stack]) }),
          viewUpdate(claim.operationId, { statuses: { [stack]: result.status }, done: stack }),
        ],
        logs,
      );
      return true;
    } catch (error) {
      if (!cancellationReasons(error)) throw error;
      const current = await getStackItem(claim.environmentId, stack);
      // A retry of a step whose write already landed.
      if (current?.status === result.status && current.operation_id === claim.operationId) return false;
      throw notOwned(claim.environmentId, claim.operationId);
    }
  }

  /** Sends a transaction whose first item holds the claim, translating its failure. */
  private async sendClaimed(claim: Claim, items: TransactItems, logs: LogRecord[]): Promise<void> {
    try {
      await transactWithLogs(items, logs);
    } catch (error) {
      if (cancellationReasons(error)) throw notOwned(claim.environmentId, claim.operationId);
      throw error;
    }
  }

  async finish(
    environment: EnvironmentRecord,
    operation: OperationRecord,
    outcome: OperationOutcome,
    logs: LogRecord[] = [],
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
      await transactWithLogs(items, logs);
      return true;
    } catch (error) {
      if (!cancellationReasons(error)) throw error;
      const current = await this.getOperation(operation.id);
      // A retry of a step whose transaction already committed, or another writer (the
      // reconciler) that settled it the same way: nothing written by this call but its log.
      if (current?.status === outcome.operationStatus) {
        await appendQuietly(logItems(logs));
        return false;
      }
      throw notOwned(environment.id, operation.id);
    }
  }
}
