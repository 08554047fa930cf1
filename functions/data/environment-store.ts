/**
 * Environments, their stacks and operations on DynamoDB, for the API side. Creating an
 * environment is one transaction (environment, stacks, first operation, name lock,
 * project counter), so a half-recorded environment can never exist.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, duplicateName, NotFoundError } from '../domain/errors.ts';
import { nowIso } from '../domain/ids.ts';
import { assertSettled } from '../domain/lifecycle.ts';
import type {
  DriftChange,
  EnvironmentRecord,
  OperationRecord,
  Page,
  PageRequest,
  StackRecord,
} from '../domain/model.ts';
import type {
  EnvironmentChanges,
  EnvironmentFilter,
  EnvironmentListScope,
  EnvironmentStore,
  StoredOperationView,
} from '../domain/ports.ts';
import type { EnvironmentStatusValue, StackStatusValue } from '../domain/vocabulary.ts';
import { documentClient, tableName } from './client.ts';
import {
  cancellationReasons,
  conditionFailedAt,
  isConditionFailure,
  type TransactItems,
  transactWrite,
} from './conditions.ts';
import {
  environmentFromItem,
  environmentToItem,
  operationFromItem,
  operationToItem,
  operationViewFromItem,
  stackFromItem,
  stackOwner,
  stackToItem,
} from './items.ts';
import { environmentKeys, operationKeys, projectKeys, quotaKeys, stackKeys } from './keys.ts';
import { decodeCursor, encodeCursor, type QuerySpec, queryPage } from './pagination.ts';
import { TABLE_DESIGN } from './table-design.ts';

/** `SET` clauses (with a leading comma), `REMOVE` attributes and values for changed environment settings. */
export function settingsUpdate(changes: EnvironmentChanges): {
  sets: string;
  removes: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (changes.parameters) {
    // PARAMETERS is a DynamoDB reserved word.
    sets.push('#parameters = :parameters');
    names['#parameters'] = 'parameters';
    values[':parameters'] = changes.parameters;
  }
  if (changes.on_failure) {
    sets.push('on_failure = :onFailure');
    values[':onFailure'] = changes.on_failure;
  }
  if (changes.expiry) {
    // The expiry index moves with the new expiry.
    sets.push('ttl_hours = :ttlHours', 'expires_at = :expiresAt', 'GSI4PK = :expiryPk', 'GSI4SK = :expirySk');
    const keys = environmentKeys.expiry(changes.expiry.expires_at, changes.expiry.id);
    values[':ttlHours'] = changes.expiry.ttl_hours;
    values[':expiresAt'] = changes.expiry.expires_at;
    values[':expiryPk'] = keys.GSI4PK;
    values[':expirySk'] = keys.GSI4SK;
  }
  if (changes.drift) {
    sets.push('drift_check = :driftCheck', 'next_drift_check_at = :nextDrift');
    values[':driftCheck'] = changes.drift.check;
    values[':nextDrift'] = changes.drift.next_at;
    if (changes.drift.next_at) {
      // The drift index moves with the next check; turned off, the environment leaves it.
      const keys = environmentKeys.driftCheck(changes.drift.next_at, changes.drift.id);
      sets.push('GSI5PK = :driftPk', 'GSI5SK = :driftSk');
      values[':driftPk'] = keys.GSI5PK;
      values[':driftSk'] = keys.GSI5SK;
    } else {
      removes.push('GSI5PK', 'GSI5SK');
    }
  }
  return { sets: sets.map((clause) => `, ${clause}`).join(''), removes, names, values };
}

/**
 * `SET` clauses (with a leading comma) and values that move an environment to the status
 * indexes' partitions of `status`: every write of an environment's status includes them.
 */
export function statusUpdate(
  environment: Pick<EnvironmentRecord, 'project_id' | 'owner_id' | 'type'>,
  status: EnvironmentStatusValue,
): { sets: string; values: Record<string, string> } {
  const keys = environmentKeys.byStatus(
    { projectId: environment.project_id, ownerId: environment.owner_id, type: environment.type },
    status,
  );
  return {
    sets: Object.keys(keys)
      .map((name) => `, ${name} = :${name}`)
      .join(''),
    values: Object.fromEntries(Object.entries(keys).map(([name, value]) => [`:${name}`, value])),
  };
}

/** The environment as it reads after `changes`. */
function applyChanges(environment: EnvironmentRecord, changes: EnvironmentChanges): EnvironmentRecord {
  return {
    ...environment,
    ...(changes.parameters ? { parameters: changes.parameters } : {}),
    ...(changes.on_failure ? { on_failure: changes.on_failure } : {}),
    ...(changes.expiry ? { ttl_hours: changes.expiry.ttl_hours, expires_at: changes.expiry.expires_at } : {}),
    ...(changes.drift
      ? { drift_check: changes.drift.check, next_drift_check_at: changes.drift.next_at }
      : {}),
  };
}

/**
 * The error for a conditional write that lost to another request: if the winner started
 * an operation, 409 OPERATION_IN_PROGRESS naming it; otherwise CONCURRENT_MODIFICATION.
 */
async function lostRace(environmentId: string, options: { deploymentsBlock: boolean }): Promise<Error> {
  const current = await getEnvironmentItem(environmentId);
  // A settings-only write is not blocked by a deployment: only a running operation explains it.
  if (current) assertSettled(current, options);
  return new ConflictError(
    `Environment ${environmentId} was changed by another request; read it again and retry`,
    'CONCURRENT_MODIFICATION',
  );
}

/** Reads every stack of an environment (a template has at most a few dozen: one or two pages). */
export async function queryStacks(environmentId: string): Promise<StackRecord[]> {
  return (await queryStacksWithOwner(environmentId)).stacks;
}

/**
 * Every stack of an environment and the owner they name: null when there is none, or one
 * was recorded before stacks named their owner.
 */
export async function queryStacksWithOwner(
  environmentId: string,
): Promise<{ ownerId: string | null; stacks: StackRecord[] }> {
  const stacks: StackRecord[] = [];
  const owners = new Set<string | null>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': stackKeys.partition(environmentId), ':prefix': stackKeys.prefix },
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

export async function getEnvironmentItem(id: string): Promise<EnvironmentRecord | null> {
  const result = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: environmentKeys.item(id), ConsistentRead: true }),
  );
  return result.Item ? environmentFromItem(result.Item) : null;
}

export async function getStackItem(environmentId: string, name: string): Promise<StackRecord | null> {
  return (await getStackWithOwner(environmentId, name))?.stack ?? null;
}

/** One stack and the owner it names (null: recorded before stacks named their owner). */
export async function getStackWithOwner(
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

function listSpec(scope: EnvironmentListScope): QuerySpec {
  switch (scope.kind) {
    case 'project':
      return {
        index: 'GSI1',
        partition: environmentKeys.projectPartition(scope.projectId),
        sortPrefix: 'ENV#',
      };
    case 'owner':
      return { index: 'GSI2', partition: environmentKeys.ownerPartition(scope.ownerId), sortPrefix: 'ENV#' };
    case 'all':
      return { index: 'GSI3', partition: environmentKeys.allPartition };
  }
}

/** The type filter of a list without a status (a status list is one Query on its own index). */
function typeFilter(filter: EnvironmentFilter): QuerySpec['filter'] {
  if (!filter.type) return undefined;
  return { expression: '#type = :type', names: { '#type': 'type' }, values: { ':type': filter.type } };
}

/** The status list of a scope: one Query on its index, no filter, so every page is full but the last. */
function statusSpec(scope: EnvironmentListScope, status: string, type: string | undefined): QuerySpec {
  const where =
    scope.kind === 'all'
      ? 'all'
      : scope.kind === 'owner'
        ? { ownerId: scope.ownerId }
        : { projectId: scope.projectId };
  return { ...environmentKeys.statusPartition(where, status, type), newestFirst: true };
}

/**
 * A cursor of a status-filtered list handed out before the status indexes existed (a key of
 * the scope's unfiltered index) resumes at the same place: it becomes that position in the
 * status index. Any other cursor is left for `queryPage` to accept or refuse.
 */
function resumable(cursor: string, spec: QuerySpec, legacy: QuerySpec): string {
  try {
    decodeCursor(cursor, spec);
    return cursor;
  } catch {
    // Not a cursor of the status index: perhaps one of the list it replaced.
  }
  let key: Record<string, string>;
  try {
    key = decodeCursor(cursor, legacy);
  } catch {
    return cursor;
  }
  const index = TABLE_DESIGN.globalSecondaryIndexes.find((i) => i.indexName === spec.index);
  const legacyIndex = TABLE_DESIGN.globalSecondaryIndexes.find((i) => i.indexName === legacy.index);
  const order = legacyIndex ? key[legacyIndex.sortKey] : undefined;
  if (!index || !order) return cursor;
  // Creation order, without the unfiltered index's `ENV#` prefix (GSI1, GSI2).
  const createdAndId = order.startsWith('ENV#') ? order.slice('ENV#'.length) : order;
  return encodeCursor({
    PK: key.PK,
    SK: key.SK,
    [index.partitionKey]: spec.partition,
    [index.sortKey]: createdAndId,
  });
}

export class DynamoEnvironmentStore implements EnvironmentStore {
  async create(
    environment: EnvironmentRecord,
    stacks: StackRecord[],
    operation: OperationRecord,
    quota?: { vpcLimit: number },
  ): Promise<void> {
    const table = tableName();
    const items: TransactItems = [
      {
        Put: {
          TableName: table,
          Item: environmentToItem(environment),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: table,
          Item: {
            ...environmentKeys.nameLock(environment.project_id, environment.name),
            entity: 'lock',
            environment_id: environment.id,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Update: {
          TableName: table,
          Key: projectKeys.item(environment.project_id),
          UpdateExpression: 'ADD live_environments :one',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
      // One VPC of the account and region's quota, counted transactionally so concurrent
      // creates can never exceed it; released when the environment is destroyed.
      ...(quota
        ? [
            {
              Update: {
                TableName: table,
                Key: quotaKeys.vpc(environment.account_id, environment.region),
                UpdateExpression: 'ADD used :one',
                ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
                ExpressionAttributeValues: { ':one': 1, ':limit': quota.vpcLimit },
              },
            },
          ]
        : []),
      {
        Put: {
          TableName: table,
          Item: operationToItem(operation, { ownerId: environment.owner_id, stacks }),
        },
      },
      ...stacks.map((stack) => ({
        Put: { TableName: table, Item: stackToItem(stack, environment.owner_id) },
      })),
    ];
    try {
      await transactWrite(items);
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (quota && conditionFailedAt(reasons, 3)) {
        throw new ConflictError(
          `Quota exceeded: account ${environment.account_id} already has ${quota.vpcLimit} VPCs in ${environment.region}; destroy an environment first`,
          'QUOTA_EXCEEDED',
          { quota: 'vpcs', limit: quota.vpcLimit },
        );
      }
      if (conditionFailedAt(reasons, 1)) {
        throw new ConflictError(...duplicateName(environment.project_id, environment.name));
      }
      if (conditionFailedAt(reasons, 2)) throw new NotFoundError('Project', environment.project_id);
      throw error;
    }
  }

  get(id: string): Promise<EnvironmentRecord | null> {
    return getEnvironmentItem(id);
  }

  list(
    scope: EnvironmentListScope,
    filter: EnvironmentFilter,
    page: PageRequest,
  ): Promise<Page<EnvironmentRecord>> {
    if (filter.status) {
      const spec = statusSpec(scope, filter.status, filter.type);
      const cursor = page.cursor ? resumable(page.cursor, spec, listSpec(scope)) : undefined;
      return queryPage(spec, { ...page, cursor }, environmentFromItem);
    }
    return queryPage(
      { ...listSpec(scope), newestFirst: true, filter: typeFilter(filter) },
      page,
      environmentFromItem,
    );
  }

  listStacks(environmentId: string): Promise<StackRecord[]> {
    return queryStacks(environmentId);
  }

  listStacksWithOwner(environmentId: string): Promise<{ ownerId: string | null; stacks: StackRecord[] }> {
    return queryStacksWithOwner(environmentId);
  }

  getStack(environmentId: string, name: string): Promise<StackRecord | null> {
    return getStackItem(environmentId, name);
  }

  getStackWithOwner(
    environmentId: string,
    name: string,
  ): Promise<{ ownerId: string | null; stack: StackRecord } | null> {
    return getStackWithOwner(environmentId, name);
  }

  async beginOperation(
    environment: EnvironmentRecord,
    operation: OperationRecord,
    status: EnvironmentStatusValue,
    scope: StackRecord[],
    changes: EnvironmentChanges = {},
  ): Promise<EnvironmentRecord> {
    const at = operation.started_at;
    const next: EnvironmentRecord = {
      ...applyChanges(environment, changes),
      status,
      current_operation_id: operation.id,
      progress: operation.progress,
      error: null,
      version: environment.version + 1,
      updated_at: at,
    };
    const settings = settingsUpdate(changes);
    const indexes = statusUpdate(environment, status);
    try {
      await transactWrite([
        {
          Update: {
            TableName: tableName(),
            Key: environmentKeys.item(environment.id),
            UpdateExpression:
              'SET #status = :status, current_operation_id = :op, #error = :null, version = :next, updated_at = :at, ' +
              `progress_layer = :zero, progress_layers = :layers, progress_stacks = :stacks${indexes.sets}${settings.sets} ` +
              `REMOVE ${['done_stacks', ...settings.removes].join(', ')}`,
            // Never while a deployment rolls out (its record holds the environment).
            ConditionExpression:
              '#status = :expected AND version = :version AND (attribute_not_exists(active_deployment_id) OR active_deployment_id = :null)',
            ExpressionAttributeNames: { '#status': 'status', '#error': 'error', ...settings.names },
            ExpressionAttributeValues: {
              ':status': status,
              ':op': operation.id,
              ':null': null,
              ':next': next.version,
              ':at': at,
              ':zero': 0,
              ':layers': operation.progress.layers,
              ':stacks': operation.progress.stacks,
              ':expected': environment.status,
              ':version': environment.version,
              ...indexes.values,
              ...settings.values,
            },
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: operationToItem(operation, { ownerId: environment.owner_id, stacks: scope }),
          },
        },
      ]);
    } catch (error) {
      if (conditionFailedAt(cancellationReasons(error), 0)) {
        throw await lostRace(environment.id, { deploymentsBlock: true });
      }
      throw error;
    }
    return next;
  }

  async updateSettings(
    environment: EnvironmentRecord,
    changes: EnvironmentChanges,
  ): Promise<EnvironmentRecord> {
    const at = nowIso();
    const next: EnvironmentRecord = {
      ...applyChanges(environment, changes),
      version: environment.version + 1,
      updated_at: at,
    };
    const settings = settingsUpdate(changes);
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: environmentKeys.item(environment.id),
          UpdateExpression: `SET version = :next, updated_at = :at${settings.sets}${
            settings.removes.length > 0 ? ` REMOVE ${settings.removes.join(', ')}` : ''
          }`,
          ConditionExpression: 'version = :version',
          ...(Object.keys(settings.names).length > 0 ? { ExpressionAttributeNames: settings.names } : {}),
          ExpressionAttributeValues: {
            ':next': next.version,
            ':at': at,
            ':version': environment.version,
            ...settings.values,
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw await lostRace(environment.id, { deploymentsBlock: false });
      throw error;
    }
    return next;
  }

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

  async getOperation(id: string): Promise<OperationRecord | null> {
    return (await this.getOperationWithView(id))?.operation ?? null;
  }

  async getOperationWithView(
    id: string,
  ): Promise<{ operation: OperationRecord; view: StoredOperationView | null } | null> {
    const result = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: operationKeys.item(id), ConsistentRead: true }),
    );
    return result.Item
      ? { operation: operationFromItem(result.Item), view: operationViewFromItem(result.Item) }
      : null;
  }

  listOperations(environmentId: string, page: PageRequest): Promise<Page<OperationRecord>> {
    return queryPage(
      {
        index: 'GSI1',
        partition: operationKeys.environmentPartition(environmentId),
        sortPrefix: 'OP#',
        newestFirst: true,
      },
      page,
      operationFromItem,
    );
  }

  async requestCancel(operation: OperationRecord): Promise<OperationRecord> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: operationKeys.item(operation.id),
          UpdateExpression: 'SET cancel_requested = :yes',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':yes': true, ':running': 'running' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConflictError(`Operation ${operation.id} has already finished`, 'ILLEGAL_STATE');
      }
      throw error;
    }
    return { ...operation, cancel_requested: true };
  }

  async markExpiryWarned(environmentId: string, expiresAt: string): Promise<boolean> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: environmentKeys.item(environmentId),
          UpdateExpression: 'SET expiry_warned_for = :expires',
          // Once per expiry time: a new TTL (PATCH) gets its own warning.
          ConditionExpression:
            'expires_at = :expires AND (attribute_not_exists(expiry_warned_for) OR expiry_warned_for <> :expires)',
          ExpressionAttributeValues: { ':expires': expiresAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
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

  async nameTaken(projectId: string, name: string): Promise<boolean> {
    const result = await documentClient().send(
      new GetCommand({
        TableName: tableName(),
        Key: environmentKeys.nameLock(projectId, name),
        ProjectionExpression: 'PK',
        ConsistentRead: true,
      }),
    );
    return result.Item !== undefined;
  }
}
