/**
 * The records the domain works with. The ports (`ports.ts`) store and read them;
 * `functions/data` implements the stores on DynamoDB; tests implement them in memory.
 * Field names are the API's (snake_case), so presenting a record is a copy.
 */
import type { ResolvedParameters } from './parameters.ts';
import type {
  ApprovableOperationKindValue,
  ApprovalStatusValue,
  AuditOutcomeValue,
  BatchStatusValue,
  DeploymentStatusValue,
  DeploymentStrategyValue,
  EnvironmentStatusValue,
  EnvironmentTypeValue,
  LogLevelValue,
  OnFailureValue,
  OperationKindValue,
  OperationStatusValue,
  PlannedStackChangeValue,
  RoleValue,
  ServiceAccountRoleValue,
  StackStatusValue,
} from './vocabulary.ts';

export interface Progress {
  /** Layer in progress (1-based; 0 before the walk starts). */
  layer: number;
  layers: number;
  stacks_done: number;
  stacks: number;
}

export interface ProjectRecord {
  id: string;
  name: string;
  description: string | null;
  owner_id: string;
  /** Who approves what on the project's protected environments (none set: the defaults). */
  approval_policy?: ApprovalPolicy | null;
  /** Environments not yet destroyed; a project can only be deleted at 0. */
  live_environments: number;
  version: number;
  created_at: string;
  updated_at: string;
}

/**
 * A project's service account (docs/decisions.md §44). Its secret (the Cognito user's
 * password) is never stored: only the create and rotate answers carry it.
 */
export interface ServiceAccountRecord {
  id: string;
  project_id: string;
  name: string;
  role: ServiceAccountRoleValue;
  /** Its Cognito username and email: `sa-<id>@service-accounts.invalid`. */
  username: string;
  expires_at: string;
  created_at: string;
  created_by: string;
  /** When its secret was last rotated (null: never). */
  rotated_at: string | null;
}

/**
 * A project's outgoing webhook (docs/decisions.md §45). Its `secret` is stored (the sender
 * signs with it) but only the create and rotate answers show it.
 */
export interface WebhookRecord {
  id: string;
  project_id: string;
  url: string;
  /** Event types, or prefixes ending in "." (`environment.`). */
  events: string[];
  description: string | null;
  enabled: boolean;
  /** `whsec_` + base64 of random bytes (Standard Webhooks). */
  secret: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  /** When its secret was last rotated (null: never). */
  rotated_at: string | null;
}

/** One attempt to deliver a message to a webhook (docs/decisions.md §45). */
export interface WebhookAttempt {
  /** 1 for the first. */
  attempt: number;
  at: string;
  status: 'succeeded' | 'failed';
  duration_ms: number;
  /** The receiver's HTTP status (null: no answer — refused target, timeout, network error). */
  response_code: number | null;
  error: string | null;
  /** When the next attempt is due (null: none is planned: succeeded, the last, a 410 or a ping). */
  next_retry_at: string | null;
}

/** The delivery of one message (a lifecycle event, or a ping) to one webhook, with its attempts. */
export interface WebhookDeliveryRecord {
  /** The message id: the lifecycle event's id (the `webhook-id` header), stable across attempts. */
  id: string;
  webhook_id: string;
  project_id: string;
  event_type: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: WebhookAttempt[];
  /** The JSON body sent, as sent (kept for a redelivery, byte for byte; not presented). */
  body?: string;
  created_at: string;
  updated_at: string;
}

/** A project's pull-request preview settings (docs/decisions.md §46). */
export interface PreviewSettingsRecord {
  project_id: string;
  enabled: boolean;
  template: string;
  /** As given (validated like an environment's create); each preview resolves its defaults. */
  parameters: Record<string, unknown>;
  ttl_hours: number;
  /** GitHub `owner/name` whose `pull_request` events are taken. */
  repository: string;
  /** The Git host's HMAC secret (64 hex digits); null until generated. Never presented. */
  secret: string | null;
  secret_rotated_at: string | null;
  updated_at: string;
  updated_by: string;
}

/** What an environment records of the pull request it previews. */
export interface EnvironmentPreview {
  number: number;
  branch: string;
  url: string;
  /** The head commit when the preview was created. */
  sha: string;
  repository: string;
}

/**
 * One pull request's preview in its project (docs/decisions.md §46): which environment serves
 * it, and what the PR wants of it (the head SHA running, or gone), which the hook and the
 * lifecycle events' consumer bring about when the environment is settled.
 */
export interface PreviewRecord {
  project_id: string;
  number: number;
  environment_id: string;
  branch: string;
  url: string;
  repository: string;
  /** The PR's head SHA: the version the preview should run. */
  wanted_sha: string;
  /** The last SHA a deployment was started for (each SHA is asked for once). */
  requested_sha: string | null;
  /** The PR closed: destroy the environment once it is settled. */
  closed: boolean;
  /** Who acts for the Git host (`github:<sender login>` of the last delivery). */
  actor: string;
  created_at: string;
  updated_at: string;
}

/** The first outcome of a Git host delivery, answered again to a duplicate. */
export interface HookDeliveryRecord {
  project_id: string;
  delivery_id: string;
  /** Null while the first request runs. */
  status: number | null;
  body: Record<string, unknown> | null;
  created_at: string;
}

export interface EnvironmentRecord {
  id: string;
  project_id: string;
  name: string;
  type: EnvironmentTypeValue;
  ttl_hours: number | null;
  expires_at: string | null;
  template: string;
  region: string;
  account_id: string;
  parameters: ResolvedParameters;
  status: EnvironmentStatusValue;
  progress: Progress;
  base_url: string | null;
  current_operation_id: string | null;
  estimated_monthly_cost_usd: number;
  /** What a failed provision does: `rollback` (default) or `keep`. */
  on_failure: OnFailureValue;
  /** Operations the project's approval policy names wait for an approver (never ephemeral). */
  protected?: boolean;
  /** The application version the last successful deployment left running (none yet: null). */
  current_version?: string | null;
  /** The deployment rolling out now; operations wait for it (409 `DEPLOYMENT_IN_PROGRESS`). */
  active_deployment_id?: string | null;
  /** Scheduled drift checks, if asked for. */
  drift_check?: DriftCheckSettings | null;
  /** When the next scheduled drift check is due (keys the drift index). */
  next_drift_check_at?: string | null;
  /** The expiry the TTL sweeper last sent an `environment.expiring` warning for (internal). */
  expiry_warned_for?: string | null;
  /** The pull request this environment previews (docs/decisions.md §46). */
  preview?: EnvironmentPreview | null;
  error: string | null;
  version: number;
  owner_id: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** A resource a stack created (simulated), as recorded on the stack. */
export interface SimulatedResource {
  type: string;
  logical_id: string;
  /** The physical id (what `Ref` returns in CloudFormation). */
  id: string;
  /** The resource's ARN; '' for the few resources that have none of their own (e.g. a Cognito app client). */
  arn: string;
  properties: Record<string, unknown>;
  monthly_cost_usd: number;
}

export interface StackRecord {
  environment_id: string;
  name: string;
  layer: number;
  depends_on: string[];
  status: StackStatusValue;
  resources: SimulatedResource[];
  outputs: Record<string, unknown>;
  estimated_monthly_cost_usd: number;
  operation_id: string | null;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  /** The template parameters it was last provisioned with (see `stackInputs`). */
  inputs?: Record<string, unknown>;
  /** The last refresh found the live resources differ from the recorded ones. */
  drifted?: boolean;
  /** What the last refresh found (none yet: absent). */
  drift?: { checked_at: string; changes: DriftChange[] } | null;
}

/** One difference between a recorded resource and its (simulated) live state. */
export interface DriftChange {
  logical_id: string;
  type: string;
  id: string;
  property: string;
  expected: unknown;
  actual: unknown;
}

/** Scheduled drift checks of an environment (run by the sweeper). */
export interface DriftCheckSettings {
  interval_hours: number;
  /** Redeploy drifted stacks (an `update` operation) when drift is found. */
  remediate: boolean;
}

export interface OperationRecord {
  id: string;
  environment_id: string;
  kind: OperationKindValue;
  status: OperationStatusValue;
  /** 1 for a first run, the retried operation's attempt + 1 for a retry; seeds the simulation. */
  attempt: number;
  retry_of: string | null;
  /** The stacks an update, stop or start works on; `null` means every stack. */
  targets: string[] | null;
  cancel_requested: boolean;
  /** What happened beyond the status (`rolled_back`), once finished. */
  outcome: string | null;
  /** Each stack's status when the operation finished (the stacks move on afterwards). */
  stack_results: Record<string, StackStatusValue> | null;
  progress: Progress;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  requested_by: string;
  /** Why it runs, when not on a user's request (e.g. `ttl_expired`). */
  reason: string | null;
  /** Present when the operation needed an approval (a protected environment). */
  approval?: ApprovalRecord | null;
  /** What the change would do, stored with an operation that waits for approval. */
  plan?: StoredPlan | null;
  /** Settings the operation applies once approved (they wait with it). */
  pending_changes?: EnvironmentChanges | null;
}

/** Settings an operation (or a settings-only PATCH) changes on an environment. */
export interface EnvironmentChanges {
  parameters?: ResolvedParameters;
  on_failure?: OnFailureValue;
  /** A new expiry of an ephemeral environment (`id` keys the expiry index). */
  expiry?: { id: string; ttl_hours: number | null; expires_at: string };
  /** Scheduled drift checks on or off, and when the next is due (`id` keys the drift index). */
  drift?: { id: string; check: DriftCheckSettings | null; next_at: string | null };
  /** Protection on or off (off only through an approved operation). */
  protected?: boolean;
}

/** A project's approval policy: which operation kinds of protected environments need approval, and who may give it. */
export interface ApprovalPolicy {
  operations: ApprovableOperationKindValue[];
  /** User ids (Cognito `sub`, as `GET /me` shows) who may approve besides Administrators. */
  approvers: string[];
}

/** The approval an operation waits for, or got. */
export interface ApprovalRecord {
  status: ApprovalStatusValue;
  /** Why it needs one, e.g. "destroy of a protected environment". */
  reason: string;
  /** The environment's status before it waited (where a rejection leaves it). */
  previous_status: EnvironmentStatusValue;
  requested_at: string;
  /** When the wait ends `expired` without an answer. */
  expires_at: string;
  answered_by: string | null;
  answered_by_name: string | null;
  comment: string | null;
  answered_at: string | null;
}

/** The dry run of an operation, kept for its approvers. */
export interface StoredPlan {
  /** One line, e.g. "destroy 16 stacks in 5 layers". */
  summary: string;
  /** In walk order. */
  stacks: { name: string; layer: number; change: PlannedStackChangeValue }[];
  /** Parameters and settings the operation changes once approved. */
  changes: { name: string; from: unknown; to: unknown }[];
  monthly_cost_before_usd: number;
  monthly_cost_after_usd: number;
}

/** One step of a rollout: a share of the instances gets the new version, then a health check. */
export interface DeploymentBatch {
  number: number;
  /** Share of instances on the new version once this batch is done. */
  percent: number;
  status: BatchStatusValue;
  started_at: string | null;
  finished_at: string | null;
}

/** Simulation knobs of one deployment (`simulate` in the request). */
export interface DeploymentSimulation {
  /** Chance (0–1) that a batch's health check fails. */
  health_check_failure_rate?: number | undefined;
  /** This batch's health check fails (1-based). */
  fail_at_batch?: number | undefined;
}

/** An application version rolled onto a running environment. */
export interface DeploymentRecord {
  id: string;
  environment_id: string;
  project_id: string;
  owner_id: string;
  version: string;
  strategy: DeploymentStrategyValue;
  status: DeploymentStatusValue;
  /** What was running before; a failed rollout goes back to it. */
  previous_version: string | null;
  batches: DeploymentBatch[];
  simulate: DeploymentSimulation | null;
  /** Why it failed or was rolled back. */
  error: string | null;
  requested_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** A page of results with an opaque cursor for the next one. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** Who did what, to which resource, when, and how it ended (every mutating request). */
export interface AuditRecord {
  id: string;
  timestamp: string;
  actor_id: string;
  actor_email: string | null;
  role: RoleValue;
  action: string;
  method: string;
  path: string;
  resource_id: string | null;
  status: number;
  outcome: AuditOutcomeValue;
  request_id: string;
}

export interface AuditFilter {
  actor?: string | undefined;
  resource?: string | undefined;
  since?: string | undefined;
}

/** One structured log line of an environment's operations (kept 30 days). */
export interface LogRecord {
  environment_id: string;
  operation_id: string | null;
  /** The deployment the line is about (deployment logs have no operation). */
  deployment_id?: string | null;
  stack: string | null;
  level: LogLevelValue;
  message: string;
  timestamp: string;
}

export interface LogFilter {
  stack?: string | undefined;
  level?: LogRecord['level'] | undefined;
  /** Only events at or after this ISO timestamp. */
  since?: string | undefined;
  operation_id?: string | undefined;
  deployment_id?: string | undefined;
}
