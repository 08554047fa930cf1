/**
 * Operations on DynamoDB: one item per operation (`OP#id`), listed per environment from
 * GSI1. The item keeps, beside its record, the view `GET /operations/{id}` reads in one
 * call (items.ts, operation-view.ts).
 *
 * An operation is recorded with the write that makes it hold its environment (environment
 * store: `create`, `beginOperation`). From then on this store writes it:
 * - `requestCancel`: the API's cancel, a flag on the running operation. The workflow
 *   honours it (domain/workflow: `startLayer` starts nothing more, `settleOperation` ends the
 *   run `cancelled`, the reconciler settles a stopped execution as cancelled);
 * - `startWalk` and `startLayer`: the walk's progress, conditional on the operation's claim
 *   on its environment (environment-updates.ts), with the step's log lines;
 * - `finish`: the end of the operation, one transaction with everything it releases.
 */
import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, StaleOperationError, TransientStoreError } from '../domain/errors.ts';
import type { LifecycleEvent } from '../domain/lifecycle-events.ts';
import type { EnvironmentRecord, LogRecord, OperationRecord, Page, PageRequest } from '../domain/model.ts';
import type { Claim, OperationOutcome, OperationStore, StoredOperationView } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import {
  cancellationReasons,
  conditionFailedAt,
  isConditionFailure,
  type TransactItems,
} from './conditions.ts';
import {
  claimCheck,
  claimedUpdate,
  claimLost,
  nameLockReleased,
  settledByOperation,
} from './environment-updates.ts';
import { eventPuts } from './event-store.ts';
import { environmentFromItem, operationFromItem, operationViewFromItem } from './items.ts';
import { environmentKeys, operationKeys } from './keys.ts';
import { appendQuietly, logItems, transactWithLogs } from './log-store.ts';
import { type ViewChange, viewUpdate } from './operation-view.ts';
import { queryPage } from './pagination.ts';
import { environmentReleased } from './project-store.ts';
import { vpcReleased } from './quota-store.ts';
import { stackNotStarted, stackSkipped } from './stack-store.ts';

/** Attempts to read keys BatchGetItem leaves unprocessed (throttling) before giving up. */
const MAX_BATCH_GET_ATTEMPTS = 5;

export class DynamoOperationStore implements OperationStore {
  // ---------------------------------------------------------------- reads

  async get(id: string): Promise<OperationRecord | null> {
    const result = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: operationKeys.item(id), ConsistentRead: true }),
    );
    return result.Item ? operationFromItem(result.Item) : null;
  }

  async getWithView(
    id: string,
  ): Promise<{ operation: OperationRecord; view: StoredOperationView | null } | null> {
    const result = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: operationKeys.item(id), ConsistentRead: true }),
    );
    return result.Item
      ? { operation: operationFromItem(result.Item), view: operationViewFromItem(result.Item) }
      : null;
  }

  async getWithEnvironment(
    environmentId: string,
    operationId: string,
  ): Promise<{ environment: EnvironmentRecord | null; operation: OperationRecord | null }> {
    const table = tableName();
    // One BatchGetItem for both items (docs/decisions.md §30): the environment's key is the
    // one key of another entity this store reads by, for the steps' one read of their run.
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

  listByEnvironment(environmentId: string, page: PageRequest): Promise<Page<OperationRecord>> {
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

  // ---------------------------------------------------------------- the API's cancel

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

  // ---------------------------------------------------------------- approvals

  async saveApprovalToken(operationId: string, token: string): Promise<boolean> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: operationKeys.item(operationId),
          // A newer attempt of the waiting task has a newer token: the last one written wins.
          UpdateExpression: 'SET approval_token = :token',
          ConditionExpression: '#status = :waiting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':token': token, ':waiting': 'awaiting_approval' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async approvalTokenOf(operationId: string): Promise<string | null> {
    const result = await documentClient().send(
      new GetCommand({
        TableName: tableName(),
        Key: operationKeys.item(operationId),
        ProjectionExpression: 'approval_token',
        ConsistentRead: true,
      }),
    );
    const token = result.Item?.approval_token;
    return typeof token === 'string' ? token : null;
  }

  // ---------------------------------------------------------------- the workflow's walk

  /** One transaction: the environment's progress (claimed), the operation's copy of it, the log lines. */
  async startWalk(claim: Claim, layers: number, stacks: number, logs: LogRecord[]): Promise<void> {
    // The done set is kept: a re-run of the same operation goes on counting from it.
    const progress = { progress_layer: 0, progress_layers: layers, progress_stacks: stacks };
    try {
      await transactWithLogs(
        [
          claimedUpdate(
            claim,
            'SET progress_layer = :progress_layer, progress_layers = :progress_layers, progress_stacks = :progress_stacks',
            Object.fromEntries(Object.entries(progress).map(([name, value]) => [`:${name}`, value])),
          ),
          viewUpdate(claim.operationId, { progress }),
        ],
        logs,
      );
    } catch (error) {
      if (cancellationReasons(error)) throw claimLost(claim.environmentId, claim.operationId);
      throw error;
    }
  }

  /**
   * One transaction: the environment's current layer (or only the claim, in a rollback),
   * the operation's copy, each skipped stack (stack-store.ts `stackSkipped`) and the log lines.
   */
  async startLayer(
    claim: Claim,
    change: { layer: number | null; skipped: { stack: string; reason: string }[]; at: string },
    logs: LogRecord[],
  ): Promise<void> {
    const { layer, at } = change;
    if (layer === null && change.skipped.length === 0 && logs.length === 0) return;
    // The environment item first (the layer, or the claim alone), then the operation's copy,
    // then one update per skipped stack; a template has at most a few dozen stacks.
    const skips = change.skipped.map(({ stack, reason }) => stackSkipped(claim, stack, reason, at));
    const view: ViewChange = {
      statuses: Object.fromEntries(change.skipped.map(({ stack }) => [stack, 'skipped' as const])),
      ...(layer === null ? {} : { progress: { progress_layer: layer } }),
    };
    const items: TransactItems = [
      layer === null
        ? claimCheck(claim)
        : claimedUpdate(claim, 'SET progress_layer = :layer', { ':layer': layer }),
      ...(layer === null && skips.length === 0 ? [] : [viewUpdate(claim.operationId, view)]),
      ...skips,
    ];
    try {
      await transactWithLogs(items, logs);
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (conditionFailedAt(reasons, 0)) throw claimLost(claim.environmentId, claim.operationId);
      if (reasons) throw new StaleOperationError('A stack to skip is provisioned already');
      throw error;
    }
  }

  // ---------------------------------------------------------------- the end

  /**
   * Ends the operation, one transaction with what it settles and releases: the operation
   * itself (conditional on `running`) and, if it still holds its environment, the environment
   * (`settledByOperation`); for a finished destroy also the environment's name lock, the
   * project's live counter (project-store.ts) and, with `releaseVpc`, the account's VPC
   * (quota-store.ts); the stacks the run never started, now `not_started` (stack-store.ts
   * `stackNotStarted`); the lifecycle events it reports; and the log lines.
   */
  async finish(
    environment: EnvironmentRecord,
    operation: OperationRecord,
    outcome: OperationOutcome,
    events: readonly LifecycleEvent[],
    logs: LogRecord[] = [],
  ): Promise<boolean> {
    const owns = environment.current_operation_id === operation.id;
    const progress = { ...environment.progress };
    const items: TransactItems = [
      {
        Update: {
          TableName: tableName(),
          Key: operationKeys.item(operation.id),
          UpdateExpression: `SET #status = :status, finished_at = :at, #error = :error, progress = :progress, outcome = :outcome, stack_results = :results${
            outcome.approval ? ', approval = :approval' : ''
          }`,
          // As it was read: running, or (rejected, expired, cancelled) still waiting for approval.
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: {
            ':status': outcome.operationStatus,
            ':at': outcome.at,
            ':error': outcome.error,
            ':progress': progress,
            ':outcome': outcome.outcome ?? null,
            ':results': outcome.stackResults ?? null,
            ':from': operation.status === 'awaiting_approval' ? 'awaiting_approval' : 'running',
            ...(outcome.approval ? { ':approval': outcome.approval } : {}),
          },
        },
      },
    ];
    if (owns) {
      items.push(settledByOperation(environment, operation.id, outcome));
      if (outcome.releaseName) {
        items.push(nameLockReleased(environment), environmentReleased(environment.project_id));
      }
      if (outcome.releaseVpc) items.push(vpcReleased(environment.account_id, environment.region));
      for (const { stack, reason } of outcome.notStarted ?? []) {
        items.push(stackNotStarted(environment.id, operation.id, stack, reason, outcome.at));
      }
    }
    // What the end reports, with it (before the log lines, which overflow the transaction first).
    items.push(...eventPuts(events));
    try {
      await transactWithLogs(items, logs);
      return true;
    } catch (error) {
      if (!cancellationReasons(error)) throw error;
      const current = await this.get(operation.id);
      // A retry of a step whose transaction already committed, or another writer (the
      // reconciler) that settled it the same way: nothing written by this call but its log.
      if (current?.status === outcome.operationStatus) {
        await appendQuietly(logItems(logs));
        return false;
      }
      throw claimLost(environment.id, operation.id);
    }
  }
}
