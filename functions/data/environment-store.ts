/**
 * Environments on DynamoDB: one item per environment (`ENV#id`), listed by project, owner
 * and everyone (GSI1–3) and, by status, from GSI6–GSI11 (docs/decisions.md §30); a lock
 * item per live name in a project. Creating one is one transaction (the environment, its
 * name lock, the project's live counter, the account's VPC quota, its stacks and its first
 * operation, and the events it reports), so a half-recorded environment can never exist. Its status changes only with
 * the operation that holds it: `beginOperation` here, the end in the operation store.
 * The sweeper's expiry and drift indexes are read by the schedule store.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, duplicateName, NotFoundError } from '../domain/errors.ts';
import { nowIso } from '../domain/ids.ts';
import type { LifecycleEvent } from '../domain/lifecycle-events.ts';
import type { EnvironmentRecord, OperationRecord, Page, PageRequest, StackRecord } from '../domain/model.ts';
import type {
  EnvironmentChanges,
  EnvironmentFilter,
  EnvironmentListScope,
  EnvironmentStore,
} from '../domain/ports.ts';
import type { EnvironmentStatusValue } from '../domain/vocabulary.ts';
import { documentClient, tableName } from './client.ts';
import {
  cancellationReasons,
  conditionFailedAt,
  isConditionFailure,
  type TransactItems,
  transactWrite,
} from './conditions.ts';
import { environmentChanged, nameLockTaken, settingsUpdate, statusUpdate } from './environment-updates.ts';
import { eventPuts } from './event-store.ts';
import {
  environmentFromItem,
  environmentToItem,
  operationToItem,
  stackStatusAttribute,
  stackToItem,
} from './items.ts';
import { environmentKeys, operationKeys } from './keys.ts';
import { decodeCursor, encodeCursor, type QuerySpec, queryPage } from './pagination.ts';
import { environmentCounted } from './project-store.ts';
import { vpcTaken } from './quota-store.ts';
import { TABLE_DESIGN } from './table-design.ts';

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
    ...(changes.protected !== undefined ? { protected: changes.protected } : {}),
  };
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
 * The write that gives the environment to `operation`: its status, progress and the settings
 * it changes, if it is still in the status it was read in and `condition` holds.
 */
function heldByOperation(
  environment: EnvironmentRecord,
  operation: OperationRecord,
  status: EnvironmentStatusValue,
  changes: EnvironmentChanges,
  at: string,
  condition: { expression: string; values: Record<string, unknown> },
): { next: EnvironmentRecord; item: TransactItems[number] } {
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
  const item = {
    Update: {
      TableName: tableName(),
      Key: environmentKeys.item(environment.id),
      UpdateExpression:
        'SET #status = :status, current_operation_id = :op, #error = :noError, version = :next, updated_at = :at, ' +
        `progress_layer = :zero, progress_layers = :layers, progress_stacks = :stacks${indexes.sets}${settings.sets} ` +
        `REMOVE ${['done_stacks', ...settings.removes].join(', ')}`,
      ConditionExpression: `#status = :expected AND ${condition.expression}`,
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error', ...settings.names },
      ExpressionAttributeValues: {
        ':status': status,
        ':op': operation.id,
        ':noError': null,
        ':next': next.version,
        ':at': at,
        ':zero': 0,
        ':layers': operation.progress.layers,
        ':stacks': operation.progress.stacks,
        ':expected': environment.status,
        ':version': environment.version,
        ...indexes.values,
        ...settings.values,
        ...condition.values,
      },
    },
  };
  return { next, item };
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
    events: readonly LifecycleEvent[],
    quota?: { vpcLimit: number },
  ): Promise<void> {
    const table = tableName();
    // The failed condition's position says which conflict it was: keep the order.
    const items: TransactItems = [
      {
        Put: {
          TableName: table,
          Item: environmentToItem(environment),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      nameLockTaken(environment),
      environmentCounted(environment.project_id),
      ...(quota ? [vpcTaken(environment.account_id, environment.region, quota.vpcLimit)] : []),
      {
        Put: {
          TableName: table,
          Item: operationToItem(operation, { ownerId: environment.owner_id, stacks }),
        },
      },
      ...stacks.map((stack) => ({
        Put: { TableName: table, Item: stackToItem(stack, environment.owner_id) },
      })),
      ...eventPuts(events),
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

  async get(id: string): Promise<EnvironmentRecord | null> {
    const result = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: environmentKeys.item(id), ConsistentRead: true }),
    );
    return result.Item ? environmentFromItem(result.Item) : null;
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

  async beginOperation(
    environment: EnvironmentRecord,
    operation: OperationRecord,
    status: EnvironmentStatusValue,
    scope: StackRecord[],
    eventsOf: (after: EnvironmentRecord) => readonly LifecycleEvent[],
    changes: EnvironmentChanges = {},
  ): Promise<EnvironmentRecord> {
    // Never while a deployment rolls out (its record holds the environment).
    const { next, item } = heldByOperation(environment, operation, status, changes, operation.started_at, {
      expression:
        'version = :version AND (attribute_not_exists(active_deployment_id) OR active_deployment_id = :null)',
      values: { ':null': null },
    });
    try {
      await transactWrite([
        item,
        {
          Put: {
            TableName: tableName(),
            Item: operationToItem(operation, { ownerId: environment.owner_id, stacks: scope }),
          },
        },
        ...eventPuts(eventsOf(next)),
      ]);
    } catch (error) {
      if (conditionFailedAt(cancellationReasons(error), 0)) throw environmentChanged(environment.id);
      throw error;
    }
    return next;
  }

  async approveOperation(
    environment: EnvironmentRecord,
    operation: OperationRecord,
    status: EnvironmentStatusValue,
    scope: StackRecord[],
    eventsOf: (after: EnvironmentRecord) => readonly LifecycleEvent[],
    changes: EnvironmentChanges = {},
  ): Promise<EnvironmentRecord> {
    // Still waiting for this operation's approval (status `awaiting_approval`, as read).
    const { next, item } = heldByOperation(
      environment,
      operation,
      status,
      changes,
      operation.approval?.answered_at ?? nowIso(),
      { expression: 'current_operation_id = :op AND version = :version', values: {} },
    );
    // The operation's item gets the stacks it walks (its view), as `beginOperation` puts them.
    const view = operationToItem(operation, { ownerId: environment.owner_id, stacks: scope });
    const viewNames: Record<string, string> = { '#status': 'status' };
    const viewValues: Record<string, unknown> = {
      ':running': 'running',
      ':waiting': 'awaiting_approval',
      ':approval': operation.approval ?? null,
      ':viewStacks': view.view_stacks,
      ':progress': operation.progress,
      ':layers': operation.progress.layers,
      ':stacks': operation.progress.stacks,
    };
    const viewSets = scope.map((stack, i) => {
      viewNames[`#s${i}`] = stackStatusAttribute(stack.name);
      viewValues[`:s${i}`] = stack.status;
      return `, #s${i} = :s${i}`;
    });
    try {
      await transactWrite([
        item,
        {
          Update: {
            TableName: tableName(),
            Key: operationKeys.item(operation.id),
            UpdateExpression:
              'SET #status = :running, approval = :approval, view_stacks = :viewStacks, progress = :progress, ' +
              `progress_layers = :layers, progress_stacks = :stacks${viewSets.join('')}`,
            ConditionExpression: '#status = :waiting',
            ExpressionAttributeNames: viewNames,
            ExpressionAttributeValues: viewValues,
          },
        },
        ...eventPuts(eventsOf(next)),
      ]);
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (conditionFailedAt(reasons, 0) || conditionFailedAt(reasons, 1)) {
        throw new ConflictError(
          `Operation ${operation.id} is no longer waiting for approval`,
          'ILLEGAL_STATE',
        );
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
      if (isConditionFailure(error)) throw environmentChanged(environment.id);
      throw error;
    }
    return next;
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
