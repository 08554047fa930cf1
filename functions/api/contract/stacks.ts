/** The contract of the `stacks` routes: a stack with its resources and outputs, its export, drift reports. */
import { EnvironmentId, OperationId, StackName } from '../../domain/names.ts';
import { STACK_STATUSES } from '../../domain/vocabulary.ts';
import * as z from '../../platform/zod.ts';
import { Timestamp } from './common.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `common.ts` (esbuild honours the annotation only in
 * the module that declares it, so each module has its own).
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

export const StackStatus = define(() => z.enum(STACK_STATUSES));

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
