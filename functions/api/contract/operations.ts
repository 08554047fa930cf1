/**
 * The contract of the `operations` routes: an operation with its progress and stacks, and
 * the log events of operations and deployments.
 */
import { DeploymentId, EnvironmentId, OperationId, StackName } from '../../domain/names.ts';
import {
  APPROVAL_STATUSES,
  ENVIRONMENT_STATUSES,
  LOG_LEVELS,
  OPERATION_KINDS,
  OPERATION_STATUSES,
  PLANNED_STACK_CHANGES,
} from '../../domain/vocabulary.ts';
import * as z from '../../platform/zod.ts';
import { PageQuery, page, Timestamp } from './common.ts';
import { StackStatus } from './stacks.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `common.ts` (esbuild honours the annotation only in
 * the module that declares it, so each module has its own).
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

/** `delete_stacks` destroys some stacks of a running environment (DELETE …/stacks/{stack}). */
export const OperationKind = define(() => z.enum(OPERATION_KINDS));

export const OperationStatus = define(() => z.enum(OPERATION_STATUSES));

const EnvironmentStatus = define(() => z.enum(ENVIRONMENT_STATUSES));

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

/** Where an operation's approval stands, who answered and why (a protected environment's operation). */
export const Approval = define(() =>
  z.withMeta(
    z.object({
      status: z.enum(APPROVAL_STATUSES),
      /** Why it needs one, e.g. "destroy of a protected environment". */
      reason: z.string(),
      /** The environment's status before it waited: where a rejection, an expiry or a cancel leaves it. */
      previous_status: EnvironmentStatus,
      requested_at: Timestamp,
      /** Without an answer by then, the operation ends `expired`. */
      expires_at: Timestamp,
      answered_by: z.nullable(z.string()),
      answered_by_name: z.nullable(z.string()),
      comment: z.nullable(z.string()),
      answered_at: z.nullable(Timestamp),
    }),
    { id: 'Approval' },
  ),
);

/** What an operation that waits for approval will do: what its approvers approve. */
export const StoredPlan = define(() =>
  z.withMeta(
    z.object({
      summary: z.string(),
      /** In walk order. */
      stacks: z.array(
        z.object({
          name: z.string(),
          layer: z.number().check(z.int()),
          change: z.enum(PLANNED_STACK_CHANGES),
        }),
      ),
      /** Parameters and settings it changes once approved. */
      changes: z.array(z.object({ name: z.string(), from: z.unknown(), to: z.unknown() })),
      monthly_cost_before_usd: z.number(),
      monthly_cost_after_usd: z.number(),
    }),
    { id: 'OperationPlan' },
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
      /** Set when the operation needed an approval (an operation of a protected environment). */
      approval: z.nullable(Approval),
      /** What it will do, kept for its approvers (an operation that needed an approval). */
      plan: z.nullable(StoredPlan),
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
