/**
 * The contract of the `environments` routes: an environment as answered (alone, saved, or
 * with the operation it started), pages and filters, plans (`?dry_run=true`) and the
 * environment's manifest.
 */
import { DriftCheck, EnvironmentType, OnFailure } from '../../domain/inputs.ts';
import { DeploymentId, EnvironmentId, OperationId, ProjectId } from '../../domain/names.ts';
import { ENVIRONMENT_STATUSES, PLAN_ACTIONS, STACK_CHANGES } from '../../domain/vocabulary.ts';
import * as z from '../../platform/zod.ts';
import { PageQuery, page, Timestamp } from './common.ts';
import { Operation, Progress } from './operations.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `common.ts` (esbuild honours the annotation only in
 * the module that declares it, so each module has its own).
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

export const EnvironmentStatus = define(() => z.enum(ENVIRONMENT_STATUSES));

/** The pull request an environment previews (docs/decisions.md §46). */
export const EnvironmentPreview = define(() =>
  z.withMeta(
    z.object({
      number: z.number().check(z.int()),
      branch: z.string(),
      url: z.string(),
      sha: z.withMeta(z.string(), { description: 'The head commit when the preview was created' }),
      repository: z.string(),
    }),
    { id: 'EnvironmentPreview' },
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
      /** Operations its project's approval policy names wait for an approver (docs/decisions.md §43). */
      protected: z.boolean(),
      /** The pull request it previews, if it is a preview (docs/decisions.md §46). */
      preview: z.nullable(EnvironmentPreview),
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

/** 200 answer of a change saved at once (no stack affected): the environment, with no operation. */
export const SavedEnvironment = define(() =>
  z.withMeta(z.extend(Environment, { operation: z.null() }), { id: 'SavedEnvironment' }),
);

/** 202 answer of an accepted asynchronous change: the environment and the operation that runs it. */
export const AcceptedEnvironment = define(() =>
  z.withMeta(z.extend(Environment, { operation: Operation }), { id: 'AcceptedEnvironment' }),
);

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
