/**
 * The domain's words: every closed list of values the product names (statuses, kinds,
 * policies, roles, levels, event types…), each as an `as const` list and the type of one
 * value. The rules, the records and the stores use the types; the HTTP contract builds its
 * `z.enum(…)`s from the lists, so the API accepts and documents exactly these values, in
 * this order (the order is the OpenAPI document's).
 *
 * Plain data, no zod: any module may import it. A type is named `…Value` where the
 * contract has a schema of the plain name (`EnvironmentStatus` is the schema,
 * `EnvironmentStatusValue` one status).
 */

// ---------------------------------------------------------------- environments

export const ENVIRONMENT_TYPES = ['ephemeral', 'persistent'] as const;
export type EnvironmentTypeValue = (typeof ENVIRONMENT_TYPES)[number];

export const ENVIRONMENT_STATUSES = [
  'provisioning',
  'running',
  'updating',
  'stopping',
  'stopped',
  'starting',
  'destroying',
  'destroyed',
  'failed',
  'awaiting_approval',
] as const;
export type EnvironmentStatusValue = (typeof ENVIRONMENT_STATUSES)[number];

/** What a failed provision does: destroy what it created (`rollback`) or keep it (`keep`). */
export const ON_FAILURE_POLICIES = ['rollback', 'keep'] as const;
export type OnFailureValue = (typeof ON_FAILURE_POLICIES)[number];

// ---------------------------------------------------------------- stacks and operations

/**
 * `not_started`: a settled run never started the stack (a failed provision that rolled back,
 * a cancelled run, a workflow that could not start); a retry picks it up again. `skipped`: the
 * walk passed it by because a dependency did not provision (docs/decisions.md §33).
 */
export const STACK_STATUSES = [
  'pending',
  'not_started',
  'provisioning',
  'provisioned',
  'failed',
  'skipped',
  'stopped',
  'destroying',
  'destroyed',
] as const;
export type StackStatusValue = (typeof STACK_STATUSES)[number];

/** `delete_stacks` destroys some stacks of a running environment (DELETE …/stacks/{stack}). */
export const OPERATION_KINDS = ['provision', 'update', 'stop', 'start', 'destroy', 'delete_stacks'] as const;
export type OperationKindValue = (typeof OPERATION_KINDS)[number];

/**
 * `awaiting_approval`: a protected environment's operation waits for an approver before it
 * changes anything; `rejected` and `expired` (no answer in time) end it with nothing changed.
 */
export const OPERATION_STATUSES = [
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'awaiting_approval',
  'rejected',
  'expired',
] as const;
export type OperationStatusValue = (typeof OPERATION_STATUSES)[number];

/**
 * The operation kinds a project's approval policy may name (a provision has nothing to protect
 * yet); `APPROVAL_DEFAULT_KINDS` apply when a project sets no list of its own.
 */
export const APPROVABLE_OPERATION_KINDS = ['update', 'stop', 'start', 'destroy', 'delete_stacks'] as const;
export type ApprovableOperationKindValue = (typeof APPROVABLE_OPERATION_KINDS)[number];
export const APPROVAL_DEFAULT_KINDS: readonly ApprovableOperationKindValue[] = [
  'destroy',
  'update',
  'delete_stacks',
];

/** What an operation waiting for approval will do to each stack it walks (its stored plan). */
export const PLANNED_STACK_CHANGES = ['replace', 'delete', 'stop', 'start'] as const;
export type PlannedStackChangeValue = (typeof PLANNED_STACK_CHANGES)[number];

/** Where an operation's approval stands. */
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled'] as const;
export type ApprovalStatusValue = (typeof APPROVAL_STATUSES)[number];

/** What a plan (`?dry_run=true`) is of. */
export const PLAN_ACTIONS = ['create', 'update', 'delete'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** What a plan does to one stack: `replace` is an update re-provisioning it. */
export const STACK_CHANGES = ['create', 'replace', 'delete'] as const;
export type StackChangeValue = (typeof STACK_CHANGES)[number];

// ---------------------------------------------------------------- template parameters

/** Free-tier sizes only: the platform is a sandbox. */
export const INSTANCE_TYPES = ['t3.micro', 't4g.micro'] as const;
export type InstanceTypeValue = (typeof INSTANCE_TYPES)[number];

export const DB_INSTANCE_CLASSES = ['db.t3.micro', 'db.t4g.micro'] as const;
export type DbInstanceClassValue = (typeof DB_INSTANCE_CLASSES)[number];

export const DB_ENGINES = ['postgres', 'mysql'] as const;
export type DbEngineValue = (typeof DB_ENGINES)[number];

// ---------------------------------------------------------------- deployments

export const DEPLOYMENT_STRATEGIES = ['rolling', 'all_at_once'] as const;
export type DeploymentStrategyValue = (typeof DEPLOYMENT_STRATEGIES)[number];

export const DEPLOYMENT_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'rolled_back'] as const;
export type DeploymentStatusValue = (typeof DEPLOYMENT_STATUSES)[number];

/** One batch of a rollout: its instances get the new version, then a health check. */
export const BATCH_STATUSES = ['pending', 'deploying', 'healthy', 'unhealthy'] as const;
export type BatchStatusValue = (typeof BATCH_STATUSES)[number];

// ---------------------------------------------------------------- people, logs, audit

/** Cognito groups, most privileged first (the order `effectiveRole` picks in). */
export const ROLES = ['Administrators', 'Developers', 'ReadOnly'] as const;
export type RoleValue = (typeof ROLES)[number];

/** What a service account may do in its project (docs/decisions.md §44). */
export const SERVICE_ACCOUNT_ROLES = ['deployer', 'viewer'] as const;
export type ServiceAccountRoleValue = (typeof SERVICE_ACCOUNT_ROLES)[number];

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevelValue = (typeof LOG_LEVELS)[number];

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcomeValue = (typeof AUDIT_OUTCOMES)[number];

// ---------------------------------------------------------------- events and metrics

/** Every lifecycle event type, as `GET /events?type=` takes it; the bus's `detail-type` is its title. */
export const EVENT_TYPES = [
  'environment.provisioning',
  'environment.running',
  'environment.updating',
  'environment.stopping',
  'environment.stopped',
  'environment.starting',
  'environment.destroying',
  'environment.destroyed',
  'environment.failed',
  'environment.awaiting_approval',
  'environment.expiring',
  'environment.drift_detected',
  'operation.started',
  'operation.finished',
  'operation.awaiting_approval',
  'operation.approved',
  'operation.rejected',
  'deployment.started',
  'deployment.succeeded',
  'deployment.failed',
  'deployment.rolled_back',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The periods `GET /metrics` sums the hourly counters over. */
export const METRICS_PERIODS = ['1h', '24h', '7d', '30d'] as const;
export type MetricsPeriodValue = (typeof METRICS_PERIODS)[number];

// ---------------------------------------------------------------- validation

/** The verdict of one pre-flight check of an AWS target (`POST /validate/aws`). */
export const AWS_CHECK_STATUSES = ['pass', 'warn', 'fail'] as const;
export type AwsCheckStatusValue = (typeof AWS_CHECK_STATUSES)[number];
