/**
 * Deployments on DynamoDB: one item per deployment (`DEP#id`), listed per environment
 * from GSI1 next to its operations. Creating one and ending one are transactions with the
 * environment item (its part: `heldByDeployment`, `releasedByDeployment` in
 * environment-updates.ts): `active_deployment_id` on the environment is the lock that makes
 * deployments one at a time and keeps operations out while one rolls out.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StaleOperationError } from '../domain/errors.ts';
import type {
  DeploymentBatch,
  DeploymentRecord,
  EnvironmentRecord,
  LogRecord,
  Page,
  PageRequest,
} from '../domain/model.ts';
import type { DeploymentOutcome, DeploymentStore } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import { cancellationReasons, conditionFailedAt, isConditionFailure, transactWrite } from './conditions.ts';
import { environmentChanged, heldByDeployment, releasedByDeployment } from './environment-updates.ts';
import { deploymentKeys } from './keys.ts';
import { transactWithLogs } from './log-store.ts';
import { queryPage } from './pagination.ts';

const STRIPPED = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI3PK', 'GSI3SK', 'entity'];

function fromItem(item: Record<string, unknown>): DeploymentRecord {
  const copy = { ...item };
  for (const key of STRIPPED) delete copy[key];
  return copy as unknown as DeploymentRecord;
}

function toItem(deployment: DeploymentRecord): Record<string, unknown> {
  return {
    ...deploymentKeys.item(deployment.id),
    ...deploymentKeys.byEnvironment(deployment.environment_id, deployment.created_at, deployment.id),
    ...(deployment.status === 'pending' ? deploymentKeys.pending(deployment.created_at, deployment.id) : {}),
    entity: 'deployment',
    ...deployment,
  };
}

export class DynamoDeploymentStore implements DeploymentStore {
  async create(environment: EnvironmentRecord, deployment: DeploymentRecord): Promise<void> {
    try {
      await transactWrite([
        heldByDeployment(environment.id, deployment.id),
        {
          Put: {
            TableName: tableName(),
            Item: toItem(deployment),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ]);
    } catch (error) {
      if (conditionFailedAt(cancellationReasons(error), 0)) throw environmentChanged(environment.id);
      throw error;
    }
  }

  async get(id: string): Promise<DeploymentRecord | null> {
    const result = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: deploymentKeys.item(id), ConsistentRead: true }),
    );
    return result.Item ? fromItem(result.Item) : null;
  }

  listByEnvironment(environmentId: string, page: PageRequest): Promise<Page<DeploymentRecord>> {
    return queryPage(
      {
        index: 'GSI1',
        partition: deploymentKeys.environmentPartition(environmentId),
        sortPrefix: deploymentKeys.prefix,
        newestFirst: true,
      },
      page,
      fromItem,
    );
  }

  async listPendingBefore(before: string, limit: number): Promise<DeploymentRecord[]> {
    const result = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK < :before',
        ExpressionAttributeValues: { ':pk': deploymentKeys.pendingPartition, ':before': before },
        Limit: limit,
      }),
    );
    // The index may lag: only what is still pending on the item itself.
    const found = await Promise.all((result.Items ?? []).map((item) => this.get(String(item.id))));
    return found.filter((d): d is DeploymentRecord => d?.status === 'pending');
  }

  async start(id: string, at: string): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: deploymentKeys.item(id),
          UpdateExpression: 'SET #status = :running, started_at = :at REMOVE GSI3PK, GSI3SK',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'running', ':pending': 'pending', ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // A retried step after its write landed: already running is fine, ended is not.
      if ((await this.get(id))?.status !== 'running') {
        throw new StaleOperationError(`Deployment ${id} has already ended`);
      }
    }
  }

  async setBatch(id: string, batch: DeploymentBatch): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: deploymentKeys.item(id),
          // Batches are numbered from 1 in the list they were planned in.
          UpdateExpression: `SET batches[${batch.number - 1}] = :batch`,
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':batch': batch, ':running': 'running' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new StaleOperationError(`Deployment ${id} has already ended`);
      throw error;
    }
  }

  async finish(
    deployment: DeploymentRecord,
    outcome: DeploymentOutcome,
    logs: LogRecord[] = [],
  ): Promise<boolean> {
    // The deployment held the environment since it began: `previous_version` is still its
    // current version, so the rollout changes it exactly when it serves another one.
    const serving =
      outcome.currentVersion !== undefined
        ? {
            version: outcome.currentVersion,
            changed: outcome.currentVersion !== deployment.previous_version,
            at: outcome.at,
          }
        : undefined;
    try {
      // The outcome's log lines land with it: whoever sees the deployment ended sees them.
      await transactWithLogs(
        [
          { Update: endUpdate(deployment, outcome) },
          releasedByDeployment(deployment.environment_id, deployment.id, serving),
        ],
        logs,
      );
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (conditionFailedAt(reasons, 0)) return false;
      if (!conditionFailedAt(reasons, 1)) throw error;
    }
    // The environment no longer names it (should not happen): end the deployment alone.
    try {
      await transactWithLogs([{ Update: endUpdate(deployment, outcome) }], logs);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/** Ends a pending or running deployment (and takes it out of the pending index). */
function endUpdate(deployment: DeploymentRecord, outcome: DeploymentOutcome) {
  return {
    TableName: tableName(),
    Key: deploymentKeys.item(deployment.id),
    UpdateExpression: 'SET #status = :status, #error = :error, finished_at = :at REMOVE GSI3PK, GSI3SK',
    ConditionExpression: '#status IN (:pending, :running)',
    ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
    ExpressionAttributeValues: {
      ':status': outcome.status,
      ':error': outcome.error,
      ':at': outcome.at,
      ':pending': 'pending',
      ':running': 'running',
    },
  };
}
