/** The contract of the `deployments` routes: a deployment with its batches, a page of them, its path. */
import { DeploymentSimulate, DeploymentStrategy } from '../../domain/inputs.ts';
import { DeploymentId, EnvironmentId, ProjectId } from '../../domain/names.ts';
import { BATCH_STATUSES, DEPLOYMENT_STATUSES } from '../../domain/vocabulary.ts';
import * as z from '../../platform/zod.ts';
import { page, Timestamp } from './common.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `common.ts` (esbuild honours the annotation only in
 * the module that declares it, so each module has its own).
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

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
