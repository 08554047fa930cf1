/**
 * Key builders, one group per entity (single-table design; see table-design.ts).
 * Every key in the table is built here and nowhere else, and each group is used by its
 * entity's store (and by items.ts, which maps records to items). A store whose transaction
 * also changes another entity's item takes that item from the owner's module (e.g.
 * `environment-updates.ts`, `environmentReleased` in project-store.ts): docs/decisions.md §31.
 */

export const projectKeys = {
  item: (id: string) => ({ PK: `PRJ#${id}`, SK: 'PRJ' }),
  byOwner: (ownerId: string, createdAt: string, id: string) => ({
    GSI2PK: `OWNER#${ownerId}`,
    GSI2SK: `PRJ#${createdAt}#${id}`,
  }),
  all: (createdAt: string, id: string) => ({ GSI3PK: 'ALL#PRJ', GSI3SK: `${createdAt}#${id}` }),
  ownerPartition: (ownerId: string) => `OWNER#${ownerId}`,
  allPartition: 'ALL#PRJ',
  /** Uniqueness of a project name per owner (case-insensitive). */
  nameLock: (ownerId: string, name: string) => ({
    PK: `OWNER#${ownerId}`,
    SK: `PRJNAME#${name.toLowerCase()}`,
  }),
};

/** The index and partition of one status list: a project's, an owner's or everyone's, of one type or all. */
function statusPartition(
  scope: { projectId: string } | { ownerId: string } | 'all',
  status: string,
  type?: string,
): { index: 'GSI6' | 'GSI7' | 'GSI8' | 'GSI9' | 'GSI10' | 'GSI11'; partition: string } {
  const typed = type === undefined ? '' : `#TYPE#${type}`;
  if (scope === 'all') {
    return { index: type === undefined ? 'GSI10' : 'GSI11', partition: `ALL#ENV#STATUS#${status}${typed}` };
  }
  if ('projectId' in scope) {
    return {
      index: type === undefined ? 'GSI6' : 'GSI7',
      partition: `PRJ#${scope.projectId}#STATUS#${status}${typed}`,
    };
  }
  return {
    index: type === undefined ? 'GSI8' : 'GSI9',
    partition: `OWNER#${scope.ownerId}#STATUS#${status}${typed}`,
  };
}

export const environmentKeys = {
  item: (id: string) => ({ PK: `ENV#${id}`, SK: 'ENV' }),
  byProject: (projectId: string, createdAt: string, id: string) => ({
    GSI1PK: `PRJ#${projectId}`,
    GSI1SK: `ENV#${createdAt}#${id}`,
  }),
  byOwner: (ownerId: string, createdAt: string, id: string) => ({
    GSI2PK: `OWNER#${ownerId}`,
    GSI2SK: `ENV#${createdAt}#${id}`,
  }),
  all: (createdAt: string, id: string) => ({ GSI3PK: 'ALL#ENV', GSI3SK: `${createdAt}#${id}` }),
  projectPartition: (projectId: string) => `PRJ#${projectId}`,
  ownerPartition: (ownerId: string) => `OWNER#${ownerId}`,
  allPartition: 'ALL#ENV',
  /** Sparse expiry index: live ephemeral environments by `expires_at` (the TTL sweeper's query). */
  expiry: (expiresAt: string, id: string) => ({ GSI4PK: 'EXPIRY', GSI4SK: `${expiresAt}#${id}` }),
  expiryPartition: 'EXPIRY',
  /** Sparse drift index: environments with scheduled drift checks, by when the next is due. */
  driftCheck: (nextAt: string, id: string) => ({ GSI5PK: 'DRIFT', GSI5SK: `${nextAt}#${id}` }),
  driftPartition: 'DRIFT',
  /**
   * The partitions of the status indexes (GSI6–GSI11, see table-design.ts) an environment in
   * `status` belongs to; every status change moves it to the partitions of its new status.
   */
  byStatus: (environment: { projectId: string; ownerId: string; type: string }, status: string) => {
    const { projectId, ownerId, type } = environment;
    return {
      GSI6PK: statusPartition({ projectId }, status).partition,
      GSI7PK: statusPartition({ projectId }, status, type).partition,
      GSI8PK: statusPartition({ ownerId }, status).partition,
      GSI9PK: statusPartition({ ownerId }, status, type).partition,
      GSI10PK: statusPartition('all', status).partition,
      GSI11PK: statusPartition('all', status, type).partition,
    };
  },
  /** The status indexes' shared sort key: creation order, so their lists are newest first. */
  statusOrder: (createdAt: string, id: string) => ({ STATUSSK: `${createdAt}#${id}` }),
  statusPartition,
  /** Uniqueness of a live environment's name within its project; released on destroy. */
  nameLock: (projectId: string, name: string) => ({ PK: `PRJ#${projectId}`, SK: `ENVNAME#${name}` }),
};

/** A project's service accounts live in its partition, oldest first (ids are ULIDs). */
export const serviceAccountKeys = {
  item: (projectId: string, id: string) => ({ PK: `PRJ#${projectId}`, SK: `SA#${id}` }),
  projectPartition: (projectId: string) => `PRJ#${projectId}`,
  prefix: 'SA#',
};

/** A project's webhooks live in its partition, oldest first (ids are ULIDs): one Query finds them. */
export const webhookKeys = {
  item: (projectId: string, id: string) => ({ PK: `PRJ#${projectId}`, SK: `WH#${id}` }),
  projectPartition: (projectId: string) => `PRJ#${projectId}`,
  prefix: 'WH#',
};

/**
 * A project's preview settings and its previews (one per PR number, zero-padded so they sort by
 * number) live in its partition; each Git host delivery in a partition of its own, expiring.
 */
export const previewKeys = {
  settings: (projectId: string) => ({ PK: `PRJ#${projectId}`, SK: 'PVSETTINGS' }),
  item: (projectId: string, number: number) => ({
    PK: `PRJ#${projectId}`,
    SK: `PV#${String(number).padStart(10, '0')}`,
  }),
  projectPartition: (projectId: string) => `PRJ#${projectId}`,
  prefix: 'PV#',
  delivery: (projectId: string, deliveryId: string) => ({
    PK: `GHDLV#${projectId}#${deliveryId}`,
    SK: 'GHDLV',
  }),
};

/** A webhook's deliveries, in its own partition, by message id (ULIDs: oldest first). */
export const webhookDeliveryKeys = {
  item: (webhookId: string, id: string) => ({ PK: `WH#${webhookId}`, SK: `DLV#${id}` }),
  partition: (webhookId: string) => `WH#${webhookId}`,
  prefix: 'DLV#',
};

export const auditKeys = {
  item: (id: string) => ({ PK: `AUDIT#${id}`, SK: 'AUDIT' }),
  /** Newest first across everyone, for Administrators. */
  all: (timestamp: string, id: string) => ({ GSI3PK: 'ALL#AUDIT', GSI3SK: `${timestamp}#${id}` }),
  allPartition: 'ALL#AUDIT',
};

export const stackKeys = {
  item: (environmentId: string, name: string) => ({ PK: `ENV#${environmentId}`, SK: `STACK#${name}` }),
  partition: (environmentId: string) => `ENV#${environmentId}`,
  prefix: 'STACK#',
};

export const operationKeys = {
  item: (id: string) => ({ PK: `OP#${id}`, SK: 'OP' }),
  byEnvironment: (environmentId: string, startedAt: string, id: string) => ({
    GSI1PK: `ENV#${environmentId}`,
    GSI1SK: `OP#${startedAt}#${id}`,
  }),
  environmentPartition: (environmentId: string) => `ENV#${environmentId}`,
};

export const logKeys = {
  /**
   * A log event in its environment's partition. `timestamp` is an ISO-8601 UTC string
   * with milliseconds, so sort keys order by time; `suffix` (a monotonic ULID) keeps
   * events of the same millisecond unique and in the order they were appended.
   */
  item: (environmentId: string, timestamp: string, suffix: string) => ({
    PK: `ENV#${environmentId}`,
    SK: `LOG#${timestamp}#${suffix}`,
  }),
  partition: (environmentId: string) => `ENV#${environmentId}`,
  prefix: 'LOG#',
  /** The smallest sort key of the events at or after `timestamp` (same format as `item`). */
  from: (timestamp: string) => `LOG#${timestamp}`,
};

export const quotaKeys = {
  /**
   * The VPC counter of an account and region: attribute `used` (a number; no item means 0),
   * one per live environment with a `network` stack.
   */
  vpc: (accountId: string, region: string) => ({ PK: `QUOTA#${accountId}#${region}`, SK: 'VPC' }),
};

export const eventKeys = {
  /** A lifecycle event in its environment's partition, in time order. */
  item: (environmentId: string, time: string, id: string) => ({
    PK: `ENV#${environmentId}`,
    SK: `EVT#${time}#${id}`,
  }),
  byOwner: (ownerId: string, time: string, id: string) => ({
    GSI2PK: `OWNER#${ownerId}`,
    GSI2SK: `EVT#${time}#${id}`,
  }),
  all: (time: string, id: string) => ({ GSI3PK: 'ALL#EVT', GSI3SK: `${time}#${id}` }),
  environmentPartition: (environmentId: string) => `ENV#${environmentId}`,
  ownerPartition: (ownerId: string) => `OWNER#${ownerId}`,
  allPartition: 'ALL#EVT',
  prefix: 'EVT#',
};

export const metricKeys = {
  /** Counters of one hour (`2026-11-22T10`); one partition, so a period is one range query. */
  hour: (hour: string) => ({ PK: 'METRICS', SK: `HOUR#${hour}` }),
  partition: 'METRICS',
  hourSortKey: (hour: string) => `HOUR#${hour}`,
  /** The live number of environments in each status. */
  statuses: { PK: 'METRICS', SK: 'STATUSES' },
};

export const deploymentKeys = {
  item: (id: string) => ({ PK: `DEP#${id}`, SK: 'DEP' }),
  /** An environment's deployments, newest first, next to its operations in GSI1. */
  byEnvironment: (environmentId: string, createdAt: string, id: string) => ({
    GSI1PK: `ENV#${environmentId}`,
    GSI1SK: `DEP#${createdAt}#${id}`,
  }),
  environmentPartition: (environmentId: string) => `ENV#${environmentId}`,
  prefix: 'DEP#',
  /** Sparse: only while pending (removed when its rollout starts or it ends), for the sweeper. */
  pending: (createdAt: string, id: string) => ({ GSI3PK: 'PENDING#DEP', GSI3SK: `${createdAt}#${id}` }),
  pendingPartition: 'PENDING#DEP',
};

/**
 * Idempotency records (Powertools Idempotency, `idempotency-store.ts`): one partition per
 * caller, so one user's retries never share a partition (or a key) with another's; the sort
 * key is Powertools' `<route id>#<hash of the key's scope>`.
 */
export const idempotencyKeys = {
  partition: (userId: string) => `IDEMPOTENCY#${userId}`,
};
