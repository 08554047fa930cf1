/**
 * The environment item's part in other entities' transactions, and the clauses every write
 * of its status or settings shares. The environment store owns the item; the stores whose
 * transactions also change it (a stack's step and an operation's walk hold the environment
 * by their claim, an operation's end settles it, a deployment holds and releases it) add
 * these parts, so the item's conditions and attributes are written here and nowhere else.
 */
import { ConflictError, StaleOperationError } from '../domain/errors.ts';
import type { EnvironmentRecord } from '../domain/model.ts';
import type { Claim, EnvironmentChanges, OperationOutcome } from '../domain/ports.ts';
import { tableName } from './client.ts';
import type { TransactItems } from './conditions.ts';
import { environmentKeys } from './keys.ts';

type EnvironmentStatusValue = EnvironmentRecord['status'];

type TransactItem = TransactItems[number];

// ---------------------------------------------------------------- the workflow's claim

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
export function claimCheck(claim: Claim): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: environmentKeys.item(claim.environmentId),
      ...claimCondition(claim),
    },
  };
}

/** An update of the environment item that fails unless the claim still holds. */
export function claimedUpdate(
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

/** The error of a workflow write whose claim no longer holds (the domain settles the run). */
export function claimLost(environmentId: string, operationId: string): StaleOperationError {
  return new StaleOperationError(`Operation ${operationId} no longer owns environment ${environmentId}`);
}

/**
 * The error of a write whose condition on the environment item failed: another request
 * changed it first. What that change was is the domain's to find out (it reads it again).
 */
export function environmentChanged(environmentId: string): ConflictError {
  return new ConflictError(
    `Environment ${environmentId} was changed by another request; read it again and retry`,
    'CONCURRENT_MODIFICATION',
  );
}

// ---------------------------------------------------------------- shared clauses

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
  if (changes.protected !== undefined) {
    sets.push('#protected = :protected');
    names['#protected'] = 'protected';
    values[':protected'] = changes.protected;
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

// ---------------------------------------------------------------- the name lock

/** Takes the environment's name in its project (fails if a live environment has it). */
export function nameLockTaken(environment: EnvironmentRecord): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...environmentKeys.nameLock(environment.project_id, environment.name),
        entity: 'lock',
        environment_id: environment.id,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** Releases the name (only this environment's lock: the name may belong to another by now). */
export function nameLockReleased(environment: EnvironmentRecord): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: environmentKeys.nameLock(environment.project_id, environment.name),
      ConditionExpression: 'attribute_not_exists(PK) OR environment_id = :id',
      ExpressionAttributeValues: { ':id': environment.id },
    },
  };
}

// ---------------------------------------------------------------- an operation's end

/**
 * The environment's part in the end of the operation that holds it (conditional on still
 * holding it): its new status (and the status indexes), error, base URL and cost; settings
 * an operation that never started had changed are put back; a destroyed environment leaves
 * the expiry and drift indexes.
 */
export function settledByOperation(
  environment: EnvironmentRecord,
  operationId: string,
  outcome: OperationOutcome,
): TransactItem {
  const sets = ['#status = :status', '#error = :error', 'version = :next', 'updated_at = :at'];
  const values: Record<string, unknown> = {
    ':status': outcome.environmentStatus,
    // An operation that ended waiting for its approval changed nothing: its environment has no error.
    ':error': outcome.approval ? null : outcome.error,
    ':next': environment.version + 1,
    ':at': outcome.at,
    ':op': operationId,
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
  return {
    Update: {
      TableName: tableName(),
      Key: environmentKeys.item(environment.id),
      UpdateExpression: `SET ${sets.join(', ')}${indexes.sets}${restore.sets}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: 'current_operation_id = :op AND #status = :expected',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

// ---------------------------------------------------------------- a deployment's hold

/**
 * Makes the deployment the environment's active one (`active_deployment_id`, the lock that
 * keeps operations and other deployments out), if it is running with none in progress.
 */
export function heldByDeployment(environmentId: string, deploymentId: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: environmentKeys.item(environmentId),
      UpdateExpression: 'SET active_deployment_id = :dep',
      ConditionExpression:
        '#status = :running AND (attribute_not_exists(active_deployment_id) OR active_deployment_id = :null)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':dep': deploymentId, ':running': 'running', ':null': null },
    },
  };
}

/**
 * Releases the environment from its deployment; a successful rollout also sets the version it
 * runs and, when that changes `current_version`, moves the environment's `version` (the
 * `If-Match` value), so a read from before the deployment no longer matches
 * (docs/decisions.md §33).
 */
export function releasedByDeployment(
  environmentId: string,
  deploymentId: string,
  serving?: { version: string; changed: boolean; at: string },
): TransactItem {
  const sets = serving
    ? [
        'current_version = :version',
        'updated_at = :at',
        ...(serving.changed ? ['version = version + :one'] : []),
      ]
    : [];
  return {
    Update: {
      TableName: tableName(),
      Key: environmentKeys.item(environmentId),
      UpdateExpression: `${sets.length > 0 ? `SET ${sets.join(', ')} ` : ''}REMOVE active_deployment_id`,
      ConditionExpression: 'active_deployment_id = :dep',
      ExpressionAttributeValues: {
        ':dep': deploymentId,
        ...(serving ? { ':version': serving.version, ':at': serving.at } : {}),
        ...(serving?.changed ? { ':one': 1 } : {}),
      },
    },
  };
}
