/**
 * The HTTP contract as zod schemas: every path and query parameter is parsed with these,
 * and answers are documented with them; request bodies are the domain's inputs
 * (`functions/domain/inputs.ts`, `parameters.ts`, `validation-documents.ts`). The OpenAPI
 * document is generated from the same schemas, so the two cannot drift apart.
 *
 * `z.withMeta(schema, { id })` names a schema as an OpenAPI component. Enums are built from
 * the domain's vocabulary (`functions/domain/vocabulary.ts`).
 */
import {
  DeploymentSimulate,
  DeploymentStrategy,
  DriftCheck,
  EnvironmentType,
  OnFailure,
} from '../../domain/inputs.ts';
import {
  DeploymentId,
  EnvironmentId,
  OperationId,
  ProjectId,
  StackName,
  TemplateName,
} from '../../domain/names.ts';
import {
  AUDIT_OUTCOMES,
  BATCH_STATUSES,
  DEPLOYMENT_STATUSES,
  ENVIRONMENT_STATUSES,
  EVENT_TYPES,
  LOG_LEVELS,
  METRICS_PERIODS,
  OPERATION_KINDS,
  OPERATION_STATUSES,
  PLAN_ACTIONS,
  ROLES,
  STACK_CHANGES,
  STACK_STATUSES,
} from '../../domain/vocabulary.ts';
import * as z from '../../platform/zod.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use. zod annotates its functions as free of side effects, but esbuild honours such
 * an annotation only in the module that declares the function (evanw/esbuild#4369): here every
 * `z.…()` call could do anything, and an unused schema would stay. A call of this function,
 * annotated in this module, whose only argument is a function, has no side effect esbuild
 * can see.
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

// ---------------------------------------------------------------- building blocks

export const Timestamp = define(() =>
  z.withMeta(z.string(), { format: 'date-time', example: '2026-11-22T10:00:00.000Z' }),
);

export const EnvironmentStatus = define(() => z.enum(ENVIRONMENT_STATUSES));
export const StackStatus = define(() => z.enum(STACK_STATUSES));
/** `delete_stacks` destroys some stacks of a running environment (DELETE …/stacks/{stack}). */
export const OperationKind = define(() => z.enum(OPERATION_KINDS));
export const OperationStatus = define(() => z.enum(OPERATION_STATUSES));

/** Pagination query parameters shared by every list route. */
export const PageQuery = define(() =>
  z.strictObject({
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  }),
);

const page = <T extends z.ZodMiniType>(item: T, name: string) =>
  z.withMeta(z.object({ items: z.array(item), next_cursor: z.nullable(z.string()) }), { id: name });

// ---------------------------------------------------------------- errors

export const ErrorResponse = define(() =>
  z.withMeta(
    z.object({
      detail: z.string(),
      error_code: z.string(),
      request_id: z.string(),
      timestamp: Timestamp,
      errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
    }),
    { id: 'Error' },
  ),
);

// ---------------------------------------------------------------- health, auth, me

export const HealthResponse = define(() =>
  z.withMeta(z.object({ status: z.literal('ok'), version: z.string(), timestamp: Timestamp }), {
    id: 'Health',
  }),
);

const Email = define(() => z.email().check(z.maxLength(254)));
/** Mirrors the user pool's policy; Cognito remains the authority. */
const Password = define(() => z.string().check(z.minLength(12), z.maxLength(256)));

export const SignupRequest = define(() =>
  z.withMeta(
    z.strictObject({
      email: Email,
      password: Password,
      name: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
    }),
    { id: 'SignupRequest' },
  ),
);
export const SignupResponse = define(() =>
  z.withMeta(z.object({ user_id: z.string(), email: z.string(), confirmed: z.boolean() }), {
    id: 'SignupResponse',
  }),
);
export const ConfirmRequest = define(() =>
  z.withMeta(z.strictObject({ email: Email, code: z.string().check(z.regex(/^\d{4,10}$/)) }), {
    id: 'ConfirmRequest',
  }),
);
export const ConfirmResponse = define(() =>
  z.withMeta(z.object({ email: z.string(), confirmed: z.literal(true) }), { id: 'ConfirmResponse' }),
);
export const LoginRequest = define(() =>
  z.withMeta(z.strictObject({ email: Email, password: z.string().check(z.minLength(1), z.maxLength(256)) }), {
    id: 'LoginRequest',
  }),
);
export const LoginResponse = define(() =>
  z.withMeta(
    z.object({
      id_token: z.string(),
      access_token: z.string(),
      refresh_token: z.string(),
      expires_in: z.number().check(z.int()),
      token_type: z.literal('Bearer'),
    }),
    { id: 'LoginResponse' },
  ),
);
export const RefreshRequest = define(() =>
  z.withMeta(z.strictObject({ refresh_token: z.string().check(z.minLength(1), z.maxLength(8192)) }), {
    id: 'RefreshRequest',
  }),
);
export const RefreshResponse = define(() =>
  z.withMeta(
    z.object({
      id_token: z.string(),
      access_token: z.string(),
      expires_in: z.number().check(z.int()),
      token_type: z.literal('Bearer'),
    }),
    { id: 'RefreshResponse' },
  ),
);

export const Role = define(() => z.enum(ROLES));
export const MeResponse = define(() =>
  z.withMeta(
    z.object({
      user_id: z.string(),
      email: z.nullable(z.string()),
      name: z.nullable(z.string()),
      groups: z.array(z.string()),
      role: Role,
    }),
    { id: 'Me' },
  ),
);

// ---------------------------------------------------------------- projects

export const Project = define(() =>
  z.withMeta(
    z.object({
      id: ProjectId,
      name: z.string(),
      description: z.nullable(z.string()),
      owner_id: z.string(),
      live_environments: z.number().check(z.int()),
      version: z.number().check(z.int()),
      created_at: Timestamp,
      updated_at: Timestamp,
    }),
    { id: 'Project' },
  ),
);
export const ProjectPage = define(() => page(Project, 'ProjectPage'));
export const ProjectPath = define(() => z.strictObject({ project_id: ProjectId }));

// ---------------------------------------------------------------- templates and parameters

export const TemplateStack = define(() =>
  z.withMeta(
    z.object({
      name: z.string(),
      description: z.string(),
      depends_on: z.array(z.string()),
      layer: z.number().check(z.int()),
      resource_types: z.array(z.string()),
      estimated_duration_seconds: z.object({ min: z.number(), max: z.number() }),
      estimated_monthly_cost_usd: z.number(),
    }),
    { id: 'TemplateStack' },
  ),
);
export const TemplateSummary = define(() =>
  z.withMeta(
    z.object({
      name: z.string(),
      description: z.string(),
      version: z.string(),
      stacks: z.number().check(z.int()),
      layers: z.number().check(z.int()),
    }),
    { id: 'TemplateSummary' },
  ),
);
export const TemplateDetail = define(() =>
  z.withMeta(
    z.object({
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
          allowed: z.optional(z.array(z.unknown())),
        }),
      ),
    }),
    { id: 'TemplateDetail' },
  ),
);
export const TemplateList = define(() =>
  z.withMeta(z.object({ items: z.array(TemplateSummary), next_cursor: z.null() }), { id: 'TemplateList' }),
);
export const TemplatePath = define(() => z.strictObject({ name: TemplateName }));

// ---------------------------------------------------------------- environments

export const Progress = define(() =>
  z.withMeta(
    z.object({
      layer: z.number().check(z.int()),
      layers: z.number().check(z.int()),
      stacks_done: z.number().check(z.int()),
      stacks: z.number().check(z.int()),
    }),
    { id: 'Progress' },
  ),
);

export const Environment = define(() =>
  z.withMeta(
    z.object({
      id: EnvironmentId,
      project_id: ProjectId,
      name: z.string(),
      type: EnvironmentType,
      ttl_hours: z.nullable(z.number().check(z.int())),
      expires_at: z.nullable(Timestamp),
      template: z.string(),
      region: z.string(),
      account_id: z.string(),
      parameters: z.record(z.string(), z.unknown()),
      status: EnvironmentStatus,
      progress: Progress,
      base_url: z.nullable(z.string()),
      current_operation_id: z.nullable(OperationId),
      /** The application version the last successful deployment left running. */
      current_version: z.nullable(z.string()),
      /** The deployment rolling out now, if any (operations wait for it). */
      active_deployment_id: z.nullable(DeploymentId),
      /** Scheduled drift checks, if asked for, and when the next one is due. */
      drift_check: z.nullable(DriftCheck),
      next_drift_check_at: z.nullable(Timestamp),
      estimated_monthly_cost_usd: z.number(),
      on_failure: OnFailure,
      error: z.nullable(z.string()),
      version: z.number().check(z.int()),
      owner_id: z.string(),
      created_by: z.string(),
      created_at: Timestamp,
      updated_at: Timestamp,
    }),
    { id: 'Environment' },
  ),
);
export const EnvironmentPage = define(() => page(Environment, 'EnvironmentPage'));
export const EnvironmentPath = define(() => z.strictObject({ env_id: EnvironmentId }));
export const ListEnvironmentsQuery = define(() =>
  z.extend(PageQuery, {
    project_id: z.optional(ProjectId),
    status: z.optional(EnvironmentStatus),
    type: z.optional(EnvironmentType),
  }),
);

export const Resource = define(() =>
  z.withMeta(
    z.object({
      type: z.withMeta(z.string(), { example: 'AWS::EC2::VPC' }),
      logical_id: z.string(),
      id: z.string(),
      arn: z.string(),
      properties: z.record(z.string(), z.unknown()),
      monthly_cost_usd: z.number(),
    }),
    { id: 'Resource' },
  ),
);

export const Stack = define(() =>
  z.withMeta(
    z.object({
      name: z.string(),
      layer: z.number().check(z.int()),
      depends_on: z.array(z.string()),
      status: StackStatus,
      resources: z.array(Resource),
      outputs: z.record(z.string(), z.unknown()),
      estimated_monthly_cost_usd: z.number(),
      operation_id: z.nullable(OperationId),
      started_at: z.nullable(Timestamp),
      finished_at: z.nullable(Timestamp),
      error: z.nullable(z.string()),
      /** The last refresh found live resources that differ from the recorded ones. */
      drifted: z.boolean(),
      drift_checked_at: z.nullable(Timestamp),
    }),
    { id: 'Stack' },
  ),
);
export const StackList = define(() =>
  z.withMeta(z.object({ items: z.array(Stack), next_cursor: z.null() }), { id: 'StackList' }),
);
export const StackPath = define(() => z.strictObject({ env_id: EnvironmentId, stack: StackName }));
export const Outputs = define(() =>
  z.withMeta(
    z.object({
      environment_id: EnvironmentId,
      outputs: z.record(z.string(), z.record(z.string(), z.unknown())),
    }),
    { id: 'Outputs' },
  ),
);

export const Operation = define(() =>
  z.withMeta(
    z.object({
      id: OperationId,
      environment_id: EnvironmentId,
      kind: OperationKind,
      status: OperationStatus,
      /** 1 for a first run; a retry is the failed operation's attempt + 1 (it seeds the simulation). */
      attempt: z.number().check(z.int()),
      /** The operation this one retries. */
      retry_of: z.nullable(OperationId),
      /** The stacks an update, stop or start works on (all of them for provision and destroy). */
      targets: z.nullable(z.array(z.string())),
      cancel_requested: z.boolean(),
      /** What happened beyond the status, e.g. `rolled_back`. */
      outcome: z.nullable(z.string()),
      progress: Progress,
      /** Each stack the operation touches, with its status (live while it runs). */
      stacks: z.array(z.object({ name: z.string(), layer: z.number().check(z.int()), status: StackStatus })),
      started_at: Timestamp,
      finished_at: z.nullable(Timestamp),
      error: z.nullable(z.string()),
      requested_by: z.string(),
      /** Why it runs when nobody asked (e.g. `ttl_expired`). */
      reason: z.nullable(z.string()),
    }),
    { id: 'Operation' },
  ),
);
export const OperationPage = define(() => page(Operation, 'OperationPage'));
export const OperationPath = define(() => z.strictObject({ op_id: OperationId }));

export const LogLevel = define(() => z.enum(LOG_LEVELS));
export const LogEvent = define(() =>
  z.withMeta(
    z.object({
      timestamp: Timestamp,
      level: LogLevel,
      operation_id: z.nullable(OperationId),
      /** The deployment the line is about (deployment lines have no operation). */
      deployment_id: z.nullable(DeploymentId),
      stack: z.nullable(z.string()),
      message: z.string(),
    }),
    { id: 'LogEvent' },
  ),
);
export const LogPage = define(() => page(LogEvent, 'LogPage'));
export const ListLogsQuery = define(() =>
  z.extend(PageQuery, {
    stack: z.optional(StackName),
    level: z.optional(LogLevel),
    since: z.optional(z.iso.datetime()),
    operation_id: z.optional(OperationId),
    deployment_id: z.optional(DeploymentId),
  }),
);

/** 200 answer of a change saved at once (no stack affected): the environment, with no operation. */
export const SavedEnvironment = define(() =>
  z.withMeta(z.extend(Environment, { operation: z.null() }), { id: 'SavedEnvironment' }),
);

/** 202 answer of an accepted asynchronous change: the environment and the operation that runs it. */
export const AcceptedEnvironment = define(() =>
  z.withMeta(z.extend(Environment, { operation: Operation }), { id: 'AcceptedEnvironment' }),
);

export const AuditEntry = define(() =>
  z.withMeta(
    z.object({
      id: z.string(),
      timestamp: Timestamp,
      actor_id: z.string(),
      actor_email: z.nullable(z.string()),
      role: Role,
      /** The route's operation id, e.g. `deleteEnvironment`. */
      action: z.string(),
      method: z.string(),
      path: z.string(),
      /** The resource acted on (`env_…`, `prj_…`, `op_…`), when there is one. */
      resource_id: z.nullable(z.string()),
      status: z.number().check(z.int()),
      outcome: z.enum(AUDIT_OUTCOMES),
      request_id: z.string(),
    }),
    { id: 'AuditEntry' },
  ),
);
export const AuditPage = define(() => page(AuditEntry, 'AuditPage'));
export const ListAuditQuery = define(() =>
  z.extend(PageQuery, {
    actor: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    resource: z.optional(
      z.string().check(z.regex(/^(prj|env|op|dep)_[0-9a-z]{26}$/, 'a prj_…, env_…, op_… or dep_… id')),
    ),
    since: z.optional(z.iso.datetime()),
  }),
);

export const DeploymentStatus = define(() => z.enum(DEPLOYMENT_STATUSES));
export const Deployment = define(() =>
  z.withMeta(
    z.object({
      id: DeploymentId,
      environment_id: EnvironmentId,
      project_id: ProjectId,
      version: z.string(),
      strategy: DeploymentStrategy,
      status: DeploymentStatus,
      /** What ran before; a failed rollout goes back to it. */
      previous_version: z.nullable(z.string()),
      batches: z.array(
        z.object({
          number: z.number().check(z.int()),
          percent: z.number().check(z.int()),
          status: z.enum(BATCH_STATUSES),
          started_at: z.nullable(Timestamp),
          finished_at: z.nullable(Timestamp),
        }),
      ),
      simulate: z.nullable(DeploymentSimulate),
      error: z.nullable(z.string()),
      requested_by: z.string(),
      created_at: Timestamp,
      started_at: z.nullable(Timestamp),
      finished_at: z.nullable(Timestamp),
    }),
    { id: 'Deployment' },
  ),
);
export const DeploymentPage = define(() => page(Deployment, 'DeploymentPage'));
export const DeploymentPath = define(() => z.strictObject({ deployment_id: DeploymentId }));

export const EventTypeName = define(() => z.enum(EVENT_TYPES));
export const LifecycleEventSchema = define(() =>
  z.withMeta(
    z.object({
      id: z.withMeta(z.string(), { example: 'evt_01jd8x3k5m7n9p1q3r5s7t9v1w' }),
      /** `environment.running`, `operation.finished`, `deployment.rolled_back`, … */
      type: EventTypeName,
      /** The event's title on the EventBridge bus, e.g. `Environment Running`. */
      detail_type: z.string(),
      time: Timestamp,
      environment_id: EnvironmentId,
      project_id: ProjectId,
      owner_id: z.string(),
      operation_id: z.nullable(OperationId),
      deployment_id: z.nullable(z.string()),
      /** What happened: statuses, error, duration, version, … depending on the type. */
      detail: z.record(z.string(), z.unknown()),
    }),
    { id: 'Event' },
  ),
);
export const EventPage = define(() => page(LifecycleEventSchema, 'EventPage'));
export const ListEventsQuery = define(() =>
  z.extend(PageQuery, {
    environment_id: z.optional(EnvironmentId),
    type: z.optional(EventTypeName),
    since: z.optional(z.iso.datetime()),
  }),
);

export const MetricsPeriod = define(() => z.enum(METRICS_PERIODS));
const counts = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number()])) as Record<K, z.ZodMiniNumber<number>>);
export const MetricsQuery = define(() => z.strictObject({ period: z._default(MetricsPeriod, '24h') }));
export const Metrics = define(() =>
  z.withMeta(
    z.object({
      period: MetricsPeriod,
      /** Start of the first hour counted: a period is its most recent whole hours plus the current one. */
      from: Timestamp,
      to: Timestamp,
      operations: counts(['started', 'succeeded', 'failed', 'cancelled'] as const),
      /** Mean duration of the provisions that succeeded in the period; null when there were none. */
      average_provisioning_seconds: z.nullable(z.number()),
      provisions_succeeded: z.number(),
      /** Live environments per status now (not limited to the period). */
      environments_by_status: counts(ENVIRONMENT_STATUSES),
      deployments: counts(['started', 'succeeded', 'failed', 'rolled_back'] as const),
    }),
    { id: 'Metrics' },
  ),
);

/** `?dry_run=true`: answer the plan (200) and change nothing. */
export const DryRunQuery = define(() => z.strictObject({ dry_run: z.optional(z.enum(['true', 'false'])) }));

const PlannedStack = define(() =>
  z.object({
    name: z.string(),
    layer: z.number().check(z.int()),
    depends_on: z.array(z.string()),
    change: z.enum(STACK_CHANGES),
    /** Why an update touches it: the inputs that changed, or the re-provisioned dependency it follows. */
    reason: z.nullable(z.string()),
    changed_parameters: z.array(z.string()),
    resources: z.array(z.object({ logical_id: z.string(), type: z.string(), id: z.optional(z.string()) })),
    estimated_monthly_cost_usd: z.number(),
    /** Simulated seconds (before SIMULATION_TIME_SCALE). */
    estimated_seconds: z.number(),
  }),
);
export const Plan = define(() =>
  z.withMeta(
    z.object({
      action: z.enum(PLAN_ACTIONS),
      dry_run: z.literal(true),
      environment_id: z.nullable(EnvironmentId),
      template: z.string(),
      /** In walk order: upwards for create and update, downwards (dependants first) for delete. */
      layers: z.array(z.object({ position: z.number().check(z.int()), stacks: z.array(PlannedStack) })),
      stack_count: z.number().check(z.int()),
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
      note: z.nullable(z.string()),
    }),
    { id: 'Plan' },
  ),
);

export const Manifest = define(() =>
  z.withMeta(
    z.object({
      environment_id: EnvironmentId,
      /** The environment's version: send it back (or If-Match) when putting the manifest. */
      version: z.number().check(z.int()),
      template: z.string(),
      parameters: z.record(z.string(), z.unknown()),
      on_failure: OnFailure,
      /** From the template, in layer order: read-only. */
      stacks: z.array(
        z.object({ name: z.string(), layer: z.number().check(z.int()), depends_on: z.array(z.string()) }),
      ),
    }),
    { id: 'Manifest' },
  ),
);
export const StackExport = define(() =>
  z.withMeta(
    z.object({
      schema_version: z.number().check(z.int()),
      environment_id: EnvironmentId,
      stack: z.string(),
      template: z.string(),
      layer: z.number().check(z.int()),
      depends_on: z.array(z.string()),
      dependants: z.array(z.string()),
      status: StackStatus,
      /** The template parameters this stack consumes, with their values. */
      inputs: z.record(z.string(), z.unknown()),
      resources: z.array(z.record(z.string(), z.unknown())),
      outputs: z.record(z.string(), z.unknown()),
      estimated_monthly_cost_usd: z.number(),
      /** The operation that last changed the stack. */
      last_operation_id: z.nullable(OperationId),
      started_at: z.nullable(Timestamp),
      finished_at: z.nullable(Timestamp),
      drifted: z.boolean(),
      drift_checked_at: z.nullable(Timestamp),
    }),
    { id: 'StackExport' },
  ),
);

export const DriftReport = define(() =>
  z.withMeta(
    z.object({
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
    }),
    { id: 'DriftReport' },
  ),
);
export const StackDeployQuery = define(() =>
  z.strictObject({ include_dependants: z.optional(z.enum(['true', 'false'])) }),
);
export const StackDeleteQuery = define(() =>
  z.strictObject({ cascade: z.optional(z.enum(['true', 'false'])) }),
);
