/**
 * The HTTP contract as zod schemas: every request body, path and query parameter is
 * parsed with these (strict objects, bounded strings and lists), and the OpenAPI
 * document is generated from the same schemas, so the two cannot drift apart.
 *
 * `.meta({ id })` names a schema as an OpenAPI component.
 */
import { z } from 'zod';
import { ACCOUNT_ID_PATTERN, AWS_REGIONS } from './aws.ts';
import { EVENT_TYPES } from './events.ts';

// ---------------------------------------------------------------- building blocks

const id = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), `must be a ${prefix}_… id`)
    .meta({ example: `${prefix}_01jd8x3k5m7n9p1q3r5s7t9v1w` });

export const ProjectId = id('prj');
export const EnvironmentId = id('env');
export const OperationId = id('op');
export const DeploymentId = id('dep');

export const Timestamp = z.string().meta({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' });

/** DNS-label style name: environments become host names (`base_url`). */
export const EnvironmentName = z
  .string()
  .min(1)
  .max(40)
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    'lowercase letters, digits and hyphens; must start and end alphanumeric',
  )
  .meta({ example: 'preview-pr-123' });

export const ProjectName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'letters, digits, spaces, dots, underscores and hyphens')
  .meta({ example: 'payments' });

export const StackName = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9-]*$/, 'a stack name such as database-rds')
  .meta({ example: 'database-rds' });

export const TemplateName = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9-]*$/)
  .meta({ example: 'default' });

export const Region = z.enum(AWS_REGIONS).meta({ example: 'us-east-1' });
export const AccountId = z.string().regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account id').meta({
  example: '111111111111',
});

export const EnvironmentType = z.enum(['ephemeral', 'persistent']);
export const EnvironmentStatus = z.enum([
  'provisioning',
  'running',
  'updating',
  'stopping',
  'stopped',
  'starting',
  'destroying',
  'destroyed',
  'failed',
]);
export const StackStatus = z.enum([
  'pending',
  'provisioning',
  'provisioned',
  'failed',
  'skipped',
  'stopped',
  'destroying',
  'destroyed',
]);
/** `delete_stacks` destroys some stacks of a running environment (DELETE …/stacks/{stack}). */
export const OperationKind = z.enum(['provision', 'update', 'stop', 'start', 'destroy', 'delete_stacks']);
export const OnFailure = z.enum(['rollback', 'keep']);
export const OperationStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled']);

/** Pagination query parameters shared by every list route. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(1024).optional(),
});

const page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() }).meta({ id: name });

// ---------------------------------------------------------------- errors

export const ErrorResponse = z
  .object({
    detail: z.string(),
    error_code: z.string(),
    request_id: z.string(),
    timestamp: Timestamp,
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' });

// ---------------------------------------------------------------- health, auth, me

export const HealthResponse = z
  .object({ status: z.literal('ok'), version: z.string(), timestamp: Timestamp })
  .meta({ id: 'Health' });

const Email = z.email().max(254);
/** Mirrors the user pool's policy; Cognito remains the authority. */
const Password = z.string().min(12).max(256);

export const SignupRequest = z
  .strictObject({ email: Email, password: Password, name: z.string().min(1).max(100).optional() })
  .meta({ id: 'SignupRequest' });
export const SignupResponse = z
  .object({ user_id: z.string(), email: z.string(), confirmed: z.boolean() })
  .meta({ id: 'SignupResponse' });
export const ConfirmRequest = z
  .strictObject({ email: Email, code: z.string().regex(/^\d{4,10}$/) })
  .meta({ id: 'ConfirmRequest' });
export const ConfirmResponse = z
  .object({ email: z.string(), confirmed: z.literal(true) })
  .meta({ id: 'ConfirmResponse' });
export const LoginRequest = z
  .strictObject({ email: Email, password: z.string().min(1).max(256) })
  .meta({ id: 'LoginRequest' });
export const LoginResponse = z
  .object({
    id_token: z.string(),
    access_token: z.string(),
    refresh_token: z.string(),
    expires_in: z.number().int(),
    token_type: z.literal('Bearer'),
  })
  .meta({ id: 'LoginResponse' });
export const RefreshRequest = z
  .strictObject({ refresh_token: z.string().min(1).max(8192) })
  .meta({ id: 'RefreshRequest' });
export const RefreshResponse = z
  .object({
    id_token: z.string(),
    access_token: z.string(),
    expires_in: z.number().int(),
    token_type: z.literal('Bearer'),
  })
  .meta({ id: 'RefreshResponse' });

export const Role = z.enum(['Administrators', 'Developers', 'ReadOnly']);
export const MeResponse = z
  .object({
    user_id: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    groups: z.array(z.string()),
    role: Role,
  })
  .meta({ id: 'Me' });

// ---------------------------------------------------------------- projects

export const CreateProjectRequest = z
  .strictObject({ name: ProjectName, description: z.string().max(500).optional() })
  .meta({ id: 'CreateProjectRequest' });
export const UpdateProjectRequest = z
  .strictObject({ name: ProjectName.optional(), description: z.string().max(500).nullable().optional() })
  .refine((v) => v.name !== undefined || v.description !== undefined, {
    message: 'give at least one of name, description',
  })
  .meta({ id: 'UpdateProjectRequest' });
export const Project = z
  .object({
    id: ProjectId,
    name: z.string(),
    description: z.string().nullable(),
    owner_id: z.string(),
    live_environments: z.number().int(),
    version: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Project' });
export const ProjectPage = page(Project, 'ProjectPage');
export const ProjectPath = z.strictObject({ project_id: ProjectId });

// ---------------------------------------------------------------- templates and parameters

/**
 * Failure injection, deterministic for a given environment id and operation attempt so a
 * run can be reproduced: `failure_rate` (permanent failures), `transient_failure_rate`
 * (errors the state machine's Retry absorbs), stacks that always fail to create or delete.
 */
export const SimulateParameters = z
  .strictObject({
    failure_rate: z.number().min(0).max(1).optional(),
    transient_failure_rate: z.number().min(0).max(1).optional(),
    fail_stacks: z.array(StackName).max(32).optional(),
    fail_destroy_stacks: z.array(StackName).max(32).optional(),
    /** Chance (0–1) that a resource has drifted when a refresh compares it with the live state. */
    drift_rate: z.number().min(0).max(1).optional(),
  })
  .meta({ id: 'SimulateParameters' });

/** Scheduled drift checks: every `interval_hours`, by the sweeper; `remediate` redeploys drifted stacks. */
export const DriftCheck = z
  .strictObject({
    interval_hours: z.number().int().min(1).max(720),
    remediate: z.boolean().default(false),
  })
  .meta({ id: 'DriftCheck' });

/**
 * Template parameters, guarded like a free tier. Every field has a default, so `{}` is valid;
 * the resolved values are stored on the environment.
 */
export const TemplateParameters = z
  .strictObject({
    domain: z
      .string()
      .max(200)
      .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/, 'a DNS domain such as app.example.com')
      .optional(),
    vpc_cidr: z
      .string()
      .regex(/^10\.(\d{1,3})\.0\.0\/16$/, 'a /16 in 10.0.0.0/8, such as 10.0.0.0/16')
      .refine((v) => Number(v.split('.')[1]) <= 255, 'second octet must be 0–255')
      .optional(),
    instance_type: z.enum(['t3.micro', 't4g.micro']).optional(),
    db_instance_class: z.enum(['db.t3.micro', 'db.t4g.micro']).optional(),
    db_engine: z.enum(['postgres', 'mysql']).optional(),
    storage_gb: z.number().int().min(1).max(100).optional(),
    simulate: SimulateParameters.optional(),
  })
  .meta({ id: 'TemplateParameters' });

export const TemplateStack = z
  .object({
    name: z.string(),
    description: z.string(),
    depends_on: z.array(z.string()),
    layer: z.number().int(),
    resource_types: z.array(z.string()),
    estimated_duration_seconds: z.object({ min: z.number(), max: z.number() }),
    estimated_monthly_cost_usd: z.number(),
  })
  .meta({ id: 'TemplateStack' });
export const TemplateSummary = z
  .object({
    name: z.string(),
    description: z.string(),
    version: z.string(),
    stacks: z.number().int(),
    layers: z.number().int(),
  })
  .meta({ id: 'TemplateSummary' });
export const TemplateDetail = z
  .object({
    name: z.string(),
    description: z.string(),
    version: z.string(),
    stacks: z.array(TemplateStack),
    layers: z.array(z.array(z.string())),
    parameters: z.record(
      z.string(),
      z.object({
        type: z.string(),
        required: z.boolean(),
        default: z.unknown(),
        description: z.string(),
        allowed: z.array(z.unknown()).optional(),
      }),
    ),
  })
  .meta({ id: 'TemplateDetail' });
export const TemplateList = z
  .object({ items: z.array(TemplateSummary), next_cursor: z.null() })
  .meta({ id: 'TemplateList' });
export const TemplatePath = z.strictObject({ name: TemplateName });

// ---------------------------------------------------------------- environments

export const CreateEnvironmentRequest = z
  .strictObject({
    name: EnvironmentName,
    type: EnvironmentType.default('ephemeral'),
    template: TemplateName.default('default'),
    ttl_hours: z.number().int().min(1).max(8760).optional(),
    region: Region.optional(),
    account_id: AccountId.optional(),
    parameters: TemplateParameters.default({}),
    /** What a failed provision does: destroy what it created (`rollback`) or keep it (`keep`). */
    on_failure: OnFailure.default('rollback'),
    /** Scheduled drift checks (run by the sweeper), optionally remediated by a redeploy. */
    drift_check: DriftCheck.optional(),
  })
  .meta({ id: 'CreateEnvironmentRequest' });

/** PATCH /environments/{id}: new parameters, merged into the current ones (an update operation). */
export const UpdateEnvironmentRequest = z
  .strictObject({
    parameters: TemplateParameters.optional(),
    on_failure: OnFailure.optional(),
    /** A new TTL of an ephemeral environment, counted from now. */
    ttl_hours: z.number().int().min(1).max(8760).optional(),
    /** Or an explicit expiry (like Terraform Cloud's auto-destroy-at). */
    expires_at: z.iso.datetime().optional(),
    /** Scheduled drift checks; `null` turns them off. */
    drift_check: DriftCheck.nullable().optional(),
  })
  .refine((v) => Object.values(v).some((value) => value !== undefined), {
    message: 'give at least one of parameters, on_failure, ttl_hours, expires_at, drift_check',
  })
  .refine((v) => v.ttl_hours === undefined || v.expires_at === undefined, {
    message: 'give ttl_hours or expires_at, not both',
    path: ['expires_at'],
  })
  .meta({ id: 'UpdateEnvironmentRequest' });

export const Progress = z
  .object({
    layer: z.number().int(),
    layers: z.number().int(),
    stacks_done: z.number().int(),
    stacks: z.number().int(),
  })
  .meta({ id: 'Progress' });

export const Environment = z
  .object({
    id: EnvironmentId,
    project_id: ProjectId,
    name: z.string(),
    type: EnvironmentType,
    ttl_hours: z.number().int().nullable(),
    expires_at: Timestamp.nullable(),
    template: z.string(),
    region: z.string(),
    account_id: z.string(),
    parameters: z.record(z.string(), z.unknown()),
    status: EnvironmentStatus,
    progress: Progress,
    base_url: z.string().nullable(),
    current_operation_id: OperationId.nullable(),
    /** The application version the last successful deployment left running. */
    current_version: z.string().nullable(),
    /** The deployment rolling out now, if any (operations wait for it). */
    active_deployment_id: DeploymentId.nullable(),
    /** Scheduled drift checks, if asked for, and when the next one is due. */
    drift_check: DriftCheck.nullable(),
    next_drift_check_at: Timestamp.nullable(),
    estimated_monthly_cost_usd: z.number(),
    on_failure: OnFailure,
    error: z.string().nullable(),
    version: z.number().int(),
    owner_id: z.string(),
    created_by: z.string(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Environment' });
export const EnvironmentPage = page(Environment, 'EnvironmentPage');
export const EnvironmentPath = z.strictObject({ env_id: EnvironmentId });
export const ListEnvironmentsQuery = PageQuery.extend({
  project_id: ProjectId.optional(),
  status: EnvironmentStatus.optional(),
  type: EnvironmentType.optional(),
});

export const Resource = z
  .object({
    type: z.string().meta({ example: 'AWS::EC2::VPC' }),
    logical_id: z.string(),
    id: z.string(),
    arn: z.string(),
    properties: z.record(z.string(), z.unknown()),
    monthly_cost_usd: z.number(),
  })
  .meta({ id: 'Resource' });

export const Stack = z
  .object({
    name: z.string(),
    layer: z.number().int(),
    depends_on: z.array(z.string()),
    status: StackStatus,
    resources: z.array(Resource),
    outputs: z.record(z.string(), z.unknown()),
    estimated_monthly_cost_usd: z.number(),
    operation_id: OperationId.nullable(),
    started_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
    error: z.string().nullable(),
    /** The last refresh found live resources that differ from the recorded ones. */
    drifted: z.boolean(),
    drift_checked_at: Timestamp.nullable(),
  })
  .meta({ id: 'Stack' });
export const StackList = z.object({ items: z.array(Stack), next_cursor: z.null() }).meta({ id: 'StackList' });
export const StackPath = z.strictObject({ env_id: EnvironmentId, stack: StackName });
export const Outputs = z
  .object({ environment_id: EnvironmentId, outputs: z.record(z.string(), z.record(z.string(), z.unknown())) })
  .meta({ id: 'Outputs' });

export const Operation = z
  .object({
    id: OperationId,
    environment_id: EnvironmentId,
    kind: OperationKind,
    status: OperationStatus,
    /** 1 for a first run; a retry is the failed operation's attempt + 1 (it seeds the simulation). */
    attempt: z.number().int(),
    /** The operation this one retries. */
    retry_of: OperationId.nullable(),
    /** The stacks an update, stop or start works on (all of them for provision and destroy). */
    targets: z.array(z.string()).nullable(),
    cancel_requested: z.boolean(),
    /** What happened beyond the status, e.g. `rolled_back`. */
    outcome: z.string().nullable(),
    progress: Progress,
    /** Each stack the operation touches, with its status (live while it runs). */
    stacks: z.array(z.object({ name: z.string(), layer: z.number().int(), status: StackStatus })),
    started_at: Timestamp,
    finished_at: Timestamp.nullable(),
    error: z.string().nullable(),
    requested_by: z.string(),
    /** Why it runs when nobody asked (e.g. `ttl_expired`). */
    reason: z.string().nullable(),
  })
  .meta({ id: 'Operation' });
export const OperationPage = page(Operation, 'OperationPage');
export const OperationPath = z.strictObject({ op_id: OperationId });

export const LogLevel = z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']);
export const LogEvent = z
  .object({
    timestamp: Timestamp,
    level: LogLevel,
    operation_id: OperationId.nullable(),
    /** The deployment the line is about (deployment lines have no operation). */
    deployment_id: DeploymentId.nullable(),
    stack: z.string().nullable(),
    message: z.string(),
  })
  .meta({ id: 'LogEvent' });
export const LogPage = page(LogEvent, 'LogPage');
export const ListLogsQuery = PageQuery.extend({
  stack: StackName.optional(),
  level: LogLevel.optional(),
  since: z.iso.datetime().optional(),
  operation_id: OperationId.optional(),
  deployment_id: DeploymentId.optional(),
});

/** 200 answer of a change saved at once (no stack affected): the environment, with no operation. */
export const SavedEnvironment = Environment.extend({ operation: z.null() }).meta({ id: 'SavedEnvironment' });

/** 202 answer of an accepted asynchronous change: the environment and the operation that runs it. */
export const AcceptedEnvironment = Environment.extend({ operation: Operation }).meta({
  id: 'AcceptedEnvironment',
});

export type CreateProjectInput = z.infer<typeof CreateProjectRequest>;
export type UpdateProjectInput = z.infer<typeof UpdateProjectRequest>;
export type CreateEnvironmentInput = z.infer<typeof CreateEnvironmentRequest>;
export type TemplateParametersInput = z.infer<typeof TemplateParameters>;
export type EnvironmentStatusValue = z.infer<typeof EnvironmentStatus>;
export type StackStatusValue = z.infer<typeof StackStatus>;
export type EnvironmentTypeValue = z.infer<typeof EnvironmentType>;
export type OperationKindValue = z.infer<typeof OperationKind>;
export type OperationStatusValue = z.infer<typeof OperationStatus>;
export const AuditEntry = z
  .object({
    id: z.string(),
    timestamp: Timestamp,
    actor_id: z.string(),
    actor_email: z.string().nullable(),
    role: Role,
    /** The route's operation id, e.g. `deleteEnvironment`. */
    action: z.string(),
    method: z.string(),
    path: z.string(),
    /** The resource acted on (`env_…`, `prj_…`, `op_…`), when there is one. */
    resource_id: z.string().nullable(),
    status: z.number().int(),
    outcome: z.enum(['success', 'failure']),
    request_id: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export const AuditPage = page(AuditEntry, 'AuditPage');
export const ListAuditQuery = PageQuery.extend({
  actor: z.string().min(1).max(128).optional(),
  resource: z
    .string()
    .regex(/^(prj|env|op|dep)_[0-9a-z]{26}$/, 'a prj_…, env_…, op_… or dep_… id')
    .optional(),
  since: z.iso.datetime().optional(),
});

export const DeploymentVersion = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'letters, digits, dots, underscores, plus signs and hyphens')
  .meta({ example: 'v1.4.2' });
export const DeploymentStrategy = z.enum(['rolling', 'all_at_once']);
export const DeploymentStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'rolled_back']);
export const DeploymentSimulate = z
  .strictObject({
    /** Chance (0–1) that a batch's health check fails (deterministic per deployment and batch). */
    health_check_failure_rate: z.number().min(0).max(1).optional(),
    /** The health check of this batch (1-based) fails. */
    fail_at_batch: z.number().int().min(1).max(3).optional(),
  })
  .meta({ id: 'DeploymentSimulate' });
export const CreateDeploymentRequest = z
  .strictObject({
    version: DeploymentVersion,
    /** `rolling`: 25 %, 50 %, 100 % of instances with a health check after each; `all_at_once`: one batch. */
    strategy: DeploymentStrategy.default('rolling'),
    simulate: DeploymentSimulate.optional(),
  })
  .meta({ id: 'CreateDeploymentRequest' });
export const Deployment = z
  .object({
    id: DeploymentId,
    environment_id: EnvironmentId,
    project_id: ProjectId,
    version: z.string(),
    strategy: DeploymentStrategy,
    status: DeploymentStatus,
    /** What ran before; a failed rollout goes back to it. */
    previous_version: z.string().nullable(),
    batches: z.array(
      z.object({
        number: z.number().int(),
        percent: z.number().int(),
        status: z.enum(['pending', 'deploying', 'healthy', 'unhealthy']),
        started_at: Timestamp.nullable(),
        finished_at: Timestamp.nullable(),
      }),
    ),
    simulate: DeploymentSimulate.nullable(),
    error: z.string().nullable(),
    requested_by: z.string(),
    created_at: Timestamp,
    started_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
  })
  .meta({ id: 'Deployment' });
export const DeploymentPage = page(Deployment, 'DeploymentPage');
export const DeploymentPath = z.strictObject({ deployment_id: DeploymentId });

export const EventTypeName = z.enum(EVENT_TYPES);
export const LifecycleEventSchema = z
  .object({
    id: z.string().meta({ example: 'evt_01jd8x3k5m7n9p1q3r5s7t9v1w' }),
    /** `environment.running`, `operation.finished`, `deployment.rolled_back`, … */
    type: EventTypeName,
    /** The event's title on the EventBridge bus, e.g. `Environment Running`. */
    detail_type: z.string(),
    time: Timestamp,
    environment_id: EnvironmentId,
    project_id: ProjectId,
    owner_id: z.string(),
    operation_id: OperationId.nullable(),
    deployment_id: z.string().nullable(),
    /** What happened: statuses, error, duration, version, … depending on the type. */
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Event' });
export const EventPage = page(LifecycleEventSchema, 'EventPage');
export const ListEventsQuery = PageQuery.extend({
  environment_id: EnvironmentId.optional(),
  type: EventTypeName.optional(),
  since: z.iso.datetime().optional(),
});

export const MetricsPeriod = z.enum(['1h', '24h', '7d', '30d']);
const counts = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number()])) as Record<K, z.ZodNumber>);
export const MetricsQuery = z.strictObject({ period: MetricsPeriod.default('24h') });
export const Metrics = z
  .object({
    period: MetricsPeriod,
    /** Start of the first hour counted: a period is its most recent whole hours plus the current one. */
    from: Timestamp,
    to: Timestamp,
    operations: counts(['started', 'succeeded', 'failed', 'cancelled'] as const),
    /** Mean duration of the provisions that succeeded in the period; null when there were none. */
    average_provisioning_seconds: z.number().nullable(),
    provisions_succeeded: z.number(),
    /** Live environments per status now (not limited to the period). */
    environments_by_status: counts(EnvironmentStatus.options),
    deployments: counts(['started', 'succeeded', 'failed', 'rolled_back'] as const),
  })
  .meta({ id: 'Metrics' });

export type CreateDeploymentInput = z.infer<typeof CreateDeploymentRequest>;
/** `?dry_run=true`: answer the plan (200) and change nothing. */
export const DryRunQuery = z.strictObject({ dry_run: z.enum(['true', 'false']).optional() });

const PlannedStack = z.object({
  name: z.string(),
  layer: z.number().int(),
  depends_on: z.array(z.string()),
  change: z.enum(['create', 'replace', 'delete']),
  /** Why an update touches it: the inputs that changed, or the re-provisioned dependency it follows. */
  reason: z.string().nullable(),
  changed_parameters: z.array(z.string()),
  resources: z.array(z.object({ logical_id: z.string(), type: z.string(), id: z.string().optional() })),
  estimated_monthly_cost_usd: z.number(),
  /** Simulated seconds (before SIMULATION_TIME_SCALE). */
  estimated_seconds: z.number(),
});
export const Plan = z
  .object({
    action: z.enum(['create', 'update', 'delete']),
    dry_run: z.literal(true),
    environment_id: EnvironmentId.nullable(),
    template: z.string(),
    /** In walk order: upwards for create and update, downwards (dependants first) for delete. */
    layers: z.array(z.object({ position: z.number().int(), stacks: z.array(PlannedStack) })),
    stack_count: z.number().int(),
    estimated_monthly_cost_usd: z.number(),
    cost_delta_usd: z.number(),
    /** Layers run one after another, each as long as its slowest stack (simulated seconds). */
    expected_duration_seconds: z.number(),
    /** The longest dependency chain among the planned stacks: a lower bound on the duration. */
    critical_path: z.object({ stacks: z.array(z.string()), seconds: z.number() }),
    quota: z.array(
      z.object({
        name: z.string(),
        limit: z.number(),
        usage: z.number(),
        required: z.number(),
        ok: z.boolean(),
      }),
    ),
    /** Set when the change needs no operation. */
    note: z.string().nullable(),
  })
  .meta({ id: 'Plan' });

export const Manifest = z
  .object({
    environment_id: EnvironmentId,
    /** The environment's version: send it back (or If-Match) when putting the manifest. */
    version: z.number().int(),
    template: z.string(),
    parameters: z.record(z.string(), z.unknown()),
    on_failure: OnFailure,
    /** From the template, in layer order: read-only. */
    stacks: z.array(z.object({ name: z.string(), layer: z.number().int(), depends_on: z.array(z.string()) })),
  })
  .meta({ id: 'Manifest' });
export const PutManifestRequest = z
  .strictObject({
    /** Optional: when given, it must be this environment's. */
    environment_id: EnvironmentId.optional(),
    /** Optional: like If-Match (the header wins). */
    version: z.number().int().optional(),
    /** Must be the environment's template: a template cannot change. */
    template: TemplateName,
    /** Replaces the parameters: what is left out goes back to its default. */
    parameters: TemplateParameters.default({}),
    on_failure: OnFailure.optional(),
    /** Optional and read-only: when given, it must be the template's. */
    stacks: z
      .array(
        z.strictObject({
          name: StackName,
          layer: z.number().int().optional(),
          depends_on: z.array(StackName).max(64).optional(),
        }),
      )
      .max(64)
      .optional(),
  })
  .meta({ id: 'PutManifestRequest' });

export const StackExport = z
  .object({
    schema_version: z.number().int(),
    environment_id: EnvironmentId,
    stack: z.string(),
    template: z.string(),
    layer: z.number().int(),
    depends_on: z.array(z.string()),
    dependants: z.array(z.string()),
    status: StackStatus,
    /** The template parameters this stack consumes, with their values. */
    inputs: z.record(z.string(), z.unknown()),
    resources: z.array(z.record(z.string(), z.unknown())),
    outputs: z.record(z.string(), z.unknown()),
    estimated_monthly_cost_usd: z.number(),
    /** The operation that last changed the stack. */
    last_operation_id: OperationId.nullable(),
    started_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
    drifted: z.boolean(),
    drift_checked_at: Timestamp.nullable(),
  })
  .meta({ id: 'StackExport' });

export const DriftReport = z
  .object({
    environment_id: EnvironmentId,
    checked_at: Timestamp,
    changes_detected: z.boolean(),
    stacks: z.array(
      z.object({
        stack: z.string(),
        drifted: z.boolean(),
        changes: z.array(
          z.object({
            logical_id: z.string(),
            type: z.string(),
            id: z.string(),
            property: z.string(),
            expected: z.unknown(),
            actual: z.unknown(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'DriftReport' });
export const StackDeployQuery = z.strictObject({ include_dependants: z.enum(['true', 'false']).optional() });
export const StackDeleteQuery = z.strictObject({ cascade: z.enum(['true', 'false']).optional() });

export type PutManifestInput = z.infer<typeof PutManifestRequest>;
export type DriftCheckInput = z.infer<typeof DriftCheck>;
export type RoleValue = z.infer<typeof Role>;
export type OnFailureValue = z.infer<typeof OnFailure>;
export type SimulateParametersInput = z.infer<typeof SimulateParameters>;
export type UpdateEnvironmentInput = z.infer<typeof UpdateEnvironmentRequest>;
export type LogLevelValue = z.infer<typeof LogLevel>;
