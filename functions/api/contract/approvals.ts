/** The contract of the `approvals` routes: an answer, and what the caller may answer. */
import { EnvironmentId, ProjectId } from '../../domain/names.ts';
import { ENVIRONMENT_STATUSES } from '../../domain/vocabulary.ts';
import * as z from '../../platform/zod.ts';
import { page } from './common.ts';
import { Operation } from './operations.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `common.ts` (esbuild honours the annotation only in
 * the module that declares it, so each module has its own).
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

/** The body of an approval or a rejection. */
export const ApprovalAnswer = define(() =>
  z.withMeta(z.strictObject({ comment: z.optional(z.string().check(z.maxLength(1000))) }), {
    id: 'ApprovalAnswerRequest',
  }),
);

/** An operation waiting for the caller's answer, with the environment it would change. */
export const PendingApproval = define(() =>
  z.withMeta(
    z.object({
      operation: Operation,
      environment: z.object({
        id: EnvironmentId,
        name: z.string(),
        project_id: ProjectId,
        status: z.enum(ENVIRONMENT_STATUSES),
        owner_id: z.string(),
      }),
    }),
    { id: 'PendingApproval' },
  ),
);

export const PendingApprovalPage = define(() => page(PendingApproval, 'PendingApprovalPage'));
