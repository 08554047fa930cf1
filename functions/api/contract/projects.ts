/** The contract of the `projects` routes: a project as answered, a page of them, its path. */
import { ApprovalPolicyInput } from '../../domain/inputs.ts';
import { ProjectId } from '../../domain/names.ts';
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

export const Project = define(() =>
  z.withMeta(
    z.object({
      id: ProjectId,
      name: z.string(),
      description: z.nullable(z.string()),
      owner_id: z.string(),
      /** Who approves what on the project's protected environments; null: the defaults (destroy, update, delete_stacks; Administrators). */
      approval_policy: z.nullable(ApprovalPolicyInput),
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
