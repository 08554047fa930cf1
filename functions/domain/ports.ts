/**
 * What the domain services need from the outside world: one store per entity (projects,
 * environments, schedules, stacks, operations, deployments, logs, events, metrics, audit,
 * quotas) and the adapters (workflow starters, event publisher and bus). The DynamoDB
 * implementations live in `functions/data` (one `<entity>-store.ts` each), the others in
 * `functions/app`; the domain never imports them. Stores translate failed conditions into
 * the domain errors named below (a lost race is a `ConflictError` with its code, a
 * `StaleOperationError` or a `TransientStoreError`); what a lost race means is the domain's
 * to decide.
 */

import type { EndedOperationStatus, EventFilter, LifecycleEvent, MetricDeltas } from './lifecycle-events.ts';
import type {
  ApprovalPolicy,
  ApprovalRecord,
  AuditFilter,
  AuditRecord,
  DeploymentBatch,
  DeploymentRecord,
  DriftChange,
  EnvironmentChanges,
  EnvironmentRecord,
  HookDeliveryRecord,
  LogFilter,
  LogRecord,
  OperationRecord,
  Page,
  PageRequest,
  PreviewRecord,
  PreviewSettingsRecord,
  Progress,
  ProjectRecord,
  ServiceAccountRecord,
  SimulatedResource,
  StackRecord,
  WebhookDeliveryRecord,
  WebhookRecord,
} from './model.ts';
import type { IdentifiedLog } from './run-events.ts';
import type {
  EnvironmentStatusValue,
  EnvironmentTypeValue,
  OperationKindValue,
  ServiceAccountRoleValue,
  StackStatusValue,
} from './vocabulary.ts';
import type { OperationRef } from './workflow/contracts.ts';

/** A project's service accounts (their records; the identities are {@link ServiceAccountIdentities}). */
export interface ServiceAccountStore {
  /** @throws ConflictError `CONCURRENT_MODIFICATION` if one of that id exists (never, with fresh ids). */
  create(account: ServiceAccountRecord): Promise<void>;
  get(projectId: string, id: string): Promise<ServiceAccountRecord | null>;
  /** Oldest first. */
  listByProject(projectId: string, page: PageRequest): Promise<Page<ServiceAccountRecord>>;
  /** Notes a new secret (the time only). */
  markRotated(account: ServiceAccountRecord, at: string): Promise<ServiceAccountRecord>;
  /** Removes the record (no-op when it is gone already). */
  delete(account: ServiceAccountRecord): Promise<void>;
}

/**
 * The user pool's side of service accounts: Cognito users in the `ServiceAccounts` group whose
 * project, role and expiry are custom attributes only the API writes (AdminCreateUser).
 */
export interface ServiceAccountIdentities {
  /** A new secret: long, random, meeting the pool's password policy. */
  newSecret(): string;
  /** Creates the confirmed user with `secret` as its permanent password, in the `ServiceAccounts` group. */
  create(user: {
    username: string;
    secret: string;
    projectId: string;
    role: ServiceAccountRoleValue;
    expiresAt: string;
  }): Promise<void>;
  /** Sets a new permanent password and signs the user out everywhere (refresh tokens revoked). */
  rotate(username: string, secret: string): Promise<void>;
  /** Disables the user, signs it out everywhere, then deletes it (a missing user is not an error). */
  remove(username: string): Promise<void>;
}

/** A project's webhooks (docs/decisions.md §45). */
export interface WebhookStore {
  /** @throws ConflictError `CONCURRENT_MODIFICATION` if one of that id exists (never, with fresh ids). */
  create(webhook: WebhookRecord): Promise<void>;
  get(projectId: string, id: string): Promise<WebhookRecord | null>;
  /** Oldest first. */
  listByProject(projectId: string, page: PageRequest): Promise<Page<WebhookRecord>>;
  /** Replaces the record (it must still exist: ConflictError `CONCURRENT_MODIFICATION` otherwise). */
  put(webhook: WebhookRecord): Promise<void>;
  /** Removes the record (no-op when it is gone already). */
  delete(webhook: WebhookRecord): Promise<void>;
}

/** A project's preview settings, its previews (one per PR) and the Git host's deliveries (§46). */
export interface PreviewStore {
  getSettings(projectId: string): Promise<PreviewSettingsRecord | null>;
  putSettings(settings: PreviewSettingsRecord): Promise<void>;
  get(projectId: string, number: number): Promise<PreviewRecord | null>;
  put(preview: PreviewRecord): Promise<void>;
  /** By PR number. */
  listByProject(projectId: string, page: PageRequest): Promise<Page<PreviewRecord>>;
  /**
   * Claims a delivery id (a conditional put of an unfinished record). Answers null when this call
   * claimed it, else the record already there (finished or not).
   */
  claimDelivery(projectId: string, deliveryId: string, at: string): Promise<HookDeliveryRecord | null>;
  /** Records the delivery's outcome (answered again to duplicates). */
  finishDelivery(delivery: HookDeliveryRecord): Promise<void>;
  /** Lets a delivery whose handling failed be redelivered. */
  releaseDelivery(projectId: string, deliveryId: string): Promise<void>;
}

/** The deliveries of a webhook, one per message id (docs/decisions.md §45). */
export interface WebhookDeliveryStore {
  get(webhookId: string, id: string): Promise<WebhookDeliveryRecord | null>;
  /** Writes the record as it is now (one item per delivery, its attempts included). */
  put(delivery: WebhookDeliveryRecord): Promise<void>;
  /** Oldest first. */
  listByWebhook(webhookId: string, page: PageRequest): Promise<Page<WebhookDeliveryRecord>>;
}

/** A message for one webhook, as the fan-out queues it for the sender. */
export interface WebhookMessage {
  project_id: string;
  webhook_id: string;
  /** The `webhook-id` header: the lifecycle event's id. */
  id: string;
  /** The JSON body sent: `{type, timestamp, data}`. */
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** The queue between the fan-out and the sender (SQS in AWS, an in-process queue locally). */
export interface WebhookQueue {
  send(messages: readonly WebhookMessage[]): Promise<void>;
}

/** The sender's side of the queue: a received message comes back after `seconds` (its visibility). */
export interface WebhookRetryQueue {
  retryLater(receiptHandle: string, seconds: number): Promise<void>;
}

/** What a receiver answered (or why there was no answer). */
export interface WebhookResponse {
  status: number | null;
  error: string | null;
  /** The answer's `Retry-After` header, if any. */
  retryAfter?: string | null;
}

/**
 * The HTTP side of the sender: one signed POST with a timeout. `addresses` are the addresses
 * the target rules checked: the connection goes to one of them, never to a fresh DNS answer
 * (null: a loopback name local mode allows, resolved as usual).
 */
export interface WebhookTransport {
  post(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
    addresses: readonly string[] | null,
  ): Promise<WebhookResponse>;
}

/** DNS: the addresses a host name resolves to (all of them, IPv4 and IPv6). */
export interface HostResolver {
  resolve(host: string): Promise<string[]>;
}

export interface ProjectStore {
  /** @throws ConflictError `DUPLICATE_NAME` when the owner already has a project of that name. */
  create(project: ProjectRecord): Promise<void>;
  get(id: string): Promise<ProjectRecord | null>;
  listByOwner(ownerId: string, page: PageRequest): Promise<Page<ProjectRecord>>;
  listAll(page: PageRequest): Promise<Page<ProjectRecord>>;
  /**
   * Applies the change if the stored version is still `project.version`.
   * @throws PreconditionFailedError when the version moved on; ConflictError `DUPLICATE_NAME`.
   */
  update(project: ProjectRecord, changes: ProjectChanges): Promise<ProjectRecord>;
  /**
   * Deletes the project (its name lock and its preview settings with it) if it has no live environment and is still at
   * `project.version`. @throws ConflictError `CONCURRENT_MODIFICATION` otherwise: whether it
   * is gone, still has environments or just changed is for the caller to find out.
   */
  delete(project: ProjectRecord): Promise<void>;
}

/** What `PATCH /projects/{id}` changes (the approval policy: Administrators only; null: the defaults). */
export interface ProjectChanges {
  name?: string;
  description?: string | null;
  approval_policy?: ApprovalPolicy | null;
}

export type EnvironmentListScope =
  | { kind: 'owner'; ownerId: string }
  | { kind: 'project'; projectId: string }
  | { kind: 'all' };

export interface EnvironmentFilter {
  status?: EnvironmentStatusValue | undefined;
  type?: EnvironmentTypeValue | undefined;
}

/** Settings an operation (or a settings-only PATCH) changes on the environment. */
/** Settings an operation changes on an environment (a record of the model; here for the stores' callers). */
export type { EnvironmentChanges };

/**
 * Environments. An environment's status changes only with the operation that holds it:
 * `create` and `beginOperation` here, its end in `OperationStore.finish`.
 */
export interface EnvironmentStore {
  /**
   * Records a new environment, its stacks and its first operation in one transaction,
   * with the project's live counter, the per-project name lock and `events` (what it reports).
   * With `quota`, also counts one VPC against the account and region's limit.
   * @throws ConflictError `DUPLICATE_NAME` or `QUOTA_EXCEEDED`; NotFoundError when the project vanished.
   */
  create(
    environment: EnvironmentRecord,
    stacks: StackRecord[],
    operation: OperationRecord,
    events: readonly LifecycleEvent[],
    quota?: { vpcLimit: number },
  ): Promise<void>;
  get(id: string): Promise<EnvironmentRecord | null>;
  /** Whether a live environment of the project has this name (the name lock a create takes). */
  nameTaken(projectId: string, name: string): Promise<boolean>;
  list(
    scope: EnvironmentListScope,
    filter: EnvironmentFilter,
    page: PageRequest,
  ): Promise<Page<EnvironmentRecord>>;
  /**
   * Moves the environment to `status` under a new operation, if it is still at the
   * version and status the caller saw and no deployment holds it; records the operation,
   * with `scope` (the stacks it is about, as they are now) for its view, and the events
   * `eventsOf` makes of the environment as it is after the change, in the same transaction.
   * @throws ConflictError `CONCURRENT_MODIFICATION` when another change got there first
   * (which one is for the caller to find out).
   */
  beginOperation(
    environment: EnvironmentRecord,
    operation: OperationRecord,
    status: EnvironmentStatusValue,
    scope: StackRecord[],
    eventsOf: (after: EnvironmentRecord) => readonly LifecycleEvent[],
    changes?: EnvironmentChanges,
  ): Promise<EnvironmentRecord>;
  /**
   * An approved operation goes on: the environment leaves `awaiting_approval` for `status`
   * with the operation's pending `changes`, and the operation (still waiting, as read) becomes
   * running with its approval and the view of `scope`, with the events, in one transaction.
   * @throws ConflictError `ILLEGAL_STATE` when it no longer waits (answered, expired, cancelled).
   */
  approveOperation(
    environment: EnvironmentRecord,
    operation: OperationRecord,
    status: EnvironmentStatusValue,
    scope: StackRecord[],
    eventsOf: (after: EnvironmentRecord) => readonly LifecycleEvent[],
    changes?: EnvironmentChanges,
  ): Promise<EnvironmentRecord>;
  /**
   * Saves settings that need no operation (e.g. only `simulate` or `on_failure` changed),
   * if the environment is still at the version the caller saw.
   * @throws ConflictError `CONCURRENT_MODIFICATION` when another change got there first.
   */
  updateSettings(environment: EnvironmentRecord, changes: EnvironmentChanges): Promise<EnvironmentRecord>;
}

/** The sweeper's schedules: the expiry and drift-check indexes of environments. */
export interface ScheduleStore {
  /**
   * Live ephemeral environments whose expiry is before `before` (ISO), oldest expiry first;
   * with `after`, only those expiring after it (the window of the expiry warnings).
   */
  listExpired(before: string, limit: number, after?: string): Promise<EnvironmentRecord[]>;
  /**
   * Marks that the expiry warning for `expiresAt` was sent, if the environment still
   * expires then and was not warned for it yet, with the warning's `events` in the same
   * transaction. True when this call marked it (and recorded them).
   */
  markExpiryWarned(
    environmentId: string,
    expiresAt: string,
    events: readonly LifecycleEvent[],
  ): Promise<boolean>;
  /** Environments whose scheduled drift check is due before `before` (ISO), oldest first. */
  listDriftDue(before: string, limit: number): Promise<EnvironmentRecord[]>;
  /**
   * Moves an environment's next drift check from `seen` to `next` (the sweeper's claim: of
   * two sweeps, one wins). False when it had moved already or checks were turned off.
   */
  claimDriftCheck(environmentId: string, seen: string, next: string): Promise<boolean>;
}

/**
 * The operation a workflow step works for, and the status that operation holds the
 * environment in. Every step write is conditional on both, so a step of an operation
 * that was settled meanwhile (failed, or superseded) cannot change anything.
 */
export interface Claim {
  environmentId: string;
  operationId: string;
  active: EnvironmentStatusValue;
}

/** How a stack ends its step: its new status and, for a provision, what it created. */
export interface StackCompletion {
  status: StackStatusValue;
  resources?: SimulatedResource[];
  outputs?: Record<string, unknown>;
  estimated_monthly_cost_usd?: number;
  /** The template parameters it was provisioned with. */
  inputs?: Record<string, unknown>;
  error?: string | null;
  at: string;
}

/**
 * An environment's stacks: what the API reads and what a refresh records, and the
 * workflow's stack steps. Every step write is conditional on the operation's claim on the
 * environment and on the stack's expected status, so a stale or repeated step can never
 * move a stack backwards; each also keeps the operation's view and appends the step's logs.
 */
export interface StackStore {
  list(environmentId: string): Promise<StackRecord[]>;
  /**
   * The stacks and, in the same read, the environment's owner they name (every stack
   * keeps it): null when there are no stacks or one was recorded before stacks named it.
   */
  listWithOwner(environmentId: string): Promise<{ ownerId: string | null; stacks: StackRecord[] }>;
  get(environmentId: string, name: string): Promise<StackRecord | null>;
  /** One stack and, in the same read, the owner it names (null: recorded before stacks named it). */
  getWithOwner(
    environmentId: string,
    name: string,
  ): Promise<{ ownerId: string | null; stack: StackRecord } | null>;
  /**
   * Records what a refresh found on one stack, if it is still as it was compared (same
   * operation, same status). @throws ConflictError `CONCURRENT_MODIFICATION` otherwise.
   */
  recordDrift(
    environmentId: string,
    stack: string,
    drift: { checked_at: string; changes: DriftChange[] },
    expected: { operation_id: string | null; status: StackStatusValue },
  ): Promise<void>;
  /**
   * `from` → `to` for one stack under this operation, with `logs`. Idempotent: a stack
   * already in `to` for the same operation is left as it is.
   * @throws StaleOperationError when the claim is lost or the stack is in neither state.
   */
  start(
    claim: Claim,
    stack: string,
    from: StackStatusValue[],
    to: StackStatusValue,
    at: string,
    logs: LogRecord[],
  ): Promise<void>;
  /**
   * Counts one more try of a stack's step while the stack is `during` under this operation
   * (the first try is 1); seeds transient-failure simulation so retries draw afresh,
   * deterministically. Null when the stack is `done` under this operation already (a
   * retry of a step whose write landed: nothing to try again).
   */
  countTry(
    claim: Claim,
    stack: string,
    during: StackStatusValue,
    done: StackStatusValue,
  ): Promise<number | null>;
  /** `during` → failed for one stack of this operation, with the reason and `logs`. Idempotent. */
  fail(
    claim: Claim,
    stack: string,
    during: StackStatusValue,
    reason: string,
    at: string,
    logs?: LogRecord[],
  ): Promise<void>;
  /**
   * Settles one stack, counts it as done on the environment and appends `logs`, atomically.
   * Idempotent: false (nothing written) when it had been settled so by this operation already.
   */
  complete(
    claim: Claim,
    stack: string,
    from: StackStatusValue,
    result: StackCompletion,
    logs: LogRecord[],
  ): Promise<boolean>;
}

/**
 * What an operation keeps so that reading it needs nothing else: its environment's owner,
 * each stack it is about (with its status, kept up to date by the workflow's writes) and,
 * while it runs, a copy of the environment's progress.
 */
export interface StoredOperationView {
  ownerId: string;
  stacks: { name: string; layer: number; status: StackStatusValue }[];
  progress: Progress;
}

/** How an operation ends, and what it does to its environment. */
export interface OperationOutcome {
  operationStatus: EndedOperationStatus;
  /** The approval's end, for an operation that waited for one (rejected, expired, cancelled). */
  approval?: ApprovalRecord;
  /** What happened beyond the status, e.g. `rolled_back`. */
  outcome?: string | null;
  /** Each stack's status at the end, kept on the operation. */
  stackResults?: Record<string, StackStatusValue>;
  /**
   * Stacks the run never started (still `pending`), to mark `not_started` with the reason in
   * the same write, if the operation still holds its environment (docs/decisions.md §33).
   */
  notStarted?: { stack: string; reason: string }[];
  environmentStatus: EnvironmentStatusValue;
  error: string | null;
  baseUrl?: string | null;
  estimatedMonthlyCostUsd?: number;
  /** Release the environment's name lock and the project's live counter (a finished destroy). */
  releaseName: boolean;
  /** Release the VPC the environment counted against its account and region's quota. */
  releaseVpc?: boolean;
  /** Settings to put back on the environment (an update whose workflow could not start). */
  restore?: EnvironmentChanges;
  at: string;
}

/** Starts the workflow of an operation. Idempotent per operation id. */
export interface WorkflowStarter {
  /** Upward walks (provision, update, start) and downward walks (destroy, stop) run on different state machines. */
  start(kind: OperationKindValue, ref: OperationRef): Promise<void>;
}

/**
 * Answers a workflow task that waits for a callback (the approval's): true when the task took
 * the answer, false when it no longer waits (timed out, its execution ended, a stale token).
 */
export interface TaskResponder {
  succeed(token: string, output: Record<string, unknown>): Promise<boolean>;
  fail(token: string, error: string, cause: string): Promise<boolean>;
}

/**
 * Operations: what the API reads and its cancel, and the workflow's walk and end. Every
 * workflow write is conditional on the operation still holding its environment (its claim).
 */
export interface OperationStore {
  get(id: string): Promise<OperationRecord | null>;
  /**
   * Keeps the token of the workflow's task that waits for the approval (a newer attempt's
   * replaces it); false when the operation no longer waits.
   */
  saveApprovalToken(operationId: string, token: string): Promise<boolean>;
  /** The waiting task's token, once the workflow has reached it. */
  approvalTokenOf(operationId: string): Promise<string | null>;
  /**
   * An operation and, in the same read, the view it keeps (see `StoredOperationView`);
   * `view` is null for an operation recorded before operations kept one.
   */
  getWithView(id: string): Promise<{ operation: OperationRecord; view: StoredOperationView | null } | null>;
  /** The operation and the environment it is about, in one read (what every workflow step starts from). */
  getWithEnvironment(
    environmentId: string,
    operationId: string,
  ): Promise<{ environment: EnvironmentRecord | null; operation: OperationRecord | null }>;
  /** An environment's operations, newest first. */
  listByEnvironment(environmentId: string, page: PageRequest): Promise<Page<OperationRecord>>;
  /**
   * Flags a running operation as cancelled (`cancel_requested`). The workflow honours it
   * (domain/workflow): `startLayer` starts nothing new, `settleOperation` ends the run
   * `cancelled` (a provision rolls back), and the reconciler settles a stopped execution so.
   * @throws ConflictError `ILLEGAL_STATE` when it is no longer running.
   */
  requestCancel(operation: OperationRecord): Promise<OperationRecord>;
  /**
   * Sets progress for a walk of `layers` layers over `stacks` stacks (the done set is kept)
   * and appends `logs`, in one write.
   */
  startWalk(claim: Claim, layers: number, stacks: number, logs: LogRecord[]): Promise<void>;
  /**
   * Starts a layer, in one write: marks `skipped` stacks (a dependency failed) as skipped,
   * records `layer` as the walk's current one (null leaves progress alone, as a rollback
   * does) and appends `logs`. Writes nothing when there is nothing to write.
   * @throws StaleOperationError when a stack to skip is provisioned already.
   */
  startLayer(
    claim: Claim,
    change: { layer: number | null; skipped: { stack: string; reason: string }[]; at: string },
    logs: LogRecord[],
  ): Promise<void>;
  /**
   * Ends the operation and moves the environment from `from` to `to` with the given
   * fields; for a destroy, also releases the name lock, the project's live counter and the
   * VPC quota, all in one transaction, with `events` (what the end reports).
   * True when this call ended it; false when it had already ended that way (a repeated
   * step, or the reconciler first): nothing is recorded then, events included. `logs` are
   * appended either way.
   */
  finish(
    environment: EnvironmentRecord,
    operation: OperationRecord,
    outcome: OperationOutcome,
    events: readonly LifecycleEvent[],
    logs?: LogRecord[],
  ): Promise<boolean>;
}

/** The audit trail of mutating requests. */
export interface AuditStore {
  append(entry: AuditRecord): Promise<void>;
  /** Newest first, filtered, paginated. */
  list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>>;
}

/** Structured log events of operations. */
export interface LogStore {
  /** Appends events (best effort in order of their timestamps; each gets a unique key). */
  append(events: LogRecord[]): Promise<void>;
  /** Oldest first, filtered, paginated. */
  list(environmentId: string, filter: LogFilter, page: PageRequest): Promise<Page<LogRecord>>;
  /**
   * The lines of one operation or deployment written after the line `after` (an id from an
   * earlier call, or a timestamp to start at), oldest first, each with its id (its sort key
   * without `LOG#`), at most `limit`: what a run's live stream polls (docs/decisions.md §37).
   */
  linesAfter(
    environmentId: string,
    run: { operation_id: string } | { deployment_id: string },
    after: { id: string } | { since: string },
    limit: number,
  ): Promise<IdentifiedLog[]>;
}

/**
 * The recorded lifecycle events (docs/decisions.md §35). Events are written by the stores in
 * the transaction of the change they report; `record` is for events that report no other
 * write. The publisher (fed by the table's stream, at least once per event) uses `count`,
 * `published` and `markPublished` so that each consumer sees an event once.
 */
export interface EventStore {
  /** Records events that go with no other change, in one transaction. */
  record(events: LifecycleEvent[]): Promise<void>;
  /**
   * Marks the event counted and adds its metric deltas to the counters, in one transaction.
   * True when this call counted it; false when it had been counted already (a redelivery).
   */
  count(event: LifecycleEvent): Promise<boolean>;
  /** Whether the event was put on the bus already (by an earlier delivery). */
  published(event: LifecycleEvent): Promise<boolean>;
  /** Notes that the event is on the bus. */
  markPublished(event: LifecycleEvent): Promise<void>;
  /**
   * Newest first, filtered, paginated; `ownerId` limits to one owner's environments, and
   * `projectId` (with `ownerId`, the project's owner) to one project's.
   */
  list(
    filter: EventFilter & { ownerId?: string | undefined; projectId?: string | undefined },
    page: PageRequest,
  ): Promise<Page<LifecycleEvent>>;
}

/** Hourly counters and the live count of environments per status. */
export interface MetricsStore {
  /** Sums of the hourly counters over hours `fromHour` … `toHour` (inclusive, `YYYY-MM-DDTHH`). */
  hourly(fromHour: string, toHour: string): Promise<MetricDeltas['hourly']>;
  statuses(): Promise<MetricDeltas['statuses']>;
}

/** Quota counters (the VPCs of an account and region; they move with environments' creates and destroys). */
export interface QuotaStore {
  /** How many VPCs the account uses in the region (no counter yet means 0). */
  vpcUsage(accountId: string, region: string): Promise<number>;
}

/** Sends events to the event bus (EventBridge in AWS). */
export interface EventBus {
  put(events: LifecycleEvent[]): Promise<void>;
}

/** How a deployment ends. */
export interface DeploymentOutcome {
  status: 'succeeded' | 'failed' | 'rolled_back';
  error: string | null;
  /** The version the environment runs from now on (only a successful rollout changes it). */
  currentVersion?: string;
  at: string;
}

/** Application deployments. Every write is conditional on the deployment's status. */
export interface DeploymentStore {
  /**
   * Records a pending deployment and makes it the environment's active one, if the
   * environment is still running with no operation or deployment in progress, with `events`
   * in the same transaction.
   * @throws ConflictError `CONCURRENT_MODIFICATION` otherwise (the caller finds out why).
   */
  create(
    environment: EnvironmentRecord,
    deployment: DeploymentRecord,
    events: readonly LifecycleEvent[],
  ): Promise<void>;
  get(id: string): Promise<DeploymentRecord | null>;
  /** An environment's deployments, newest first. */
  listByEnvironment(environmentId: string, page: PageRequest): Promise<Page<DeploymentRecord>>;
  /** Deployments still `pending` that were created before `before` (ISO), oldest first. */
  listPendingBefore(before: string, limit: number): Promise<DeploymentRecord[]>;
  /** `pending` → `running`. Idempotent. @throws StaleOperationError once it has finished. */
  start(id: string, at: string): Promise<void>;
  /** Records one batch of a running deployment. @throws StaleOperationError once it has finished. */
  setBatch(id: string, batch: DeploymentBatch): Promise<void>;
  /**
   * Ends a pending or running deployment and releases its environment, atomically.
   * `events` (what the end reports) are written in the same transaction.
   * False (and nothing written) when it had already ended.
   */
  finish(
    deployment: DeploymentRecord,
    outcome: DeploymentOutcome,
    events: readonly LifecycleEvent[],
    logs?: LogRecord[],
  ): Promise<boolean>;
}

/** Starts a deployment's rollout workflow. Idempotent per deployment id. */
export interface DeploymentStarter {
  start(ref: { environment_id: string; deployment_id: string }): Promise<void>;
}
