/** The contract of the `service-accounts` routes (docs/decisions.md §44). */
import { ProjectId, ServiceAccountId } from '../../domain/names.ts';
import { SERVICE_ACCOUNT_ROLES } from '../../domain/vocabulary.ts';
import * as z from '../../platform/zod.ts';
import { page, Timestamp } from './common.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `common.ts`.
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

const fields = () => ({
  id: ServiceAccountId,
  name: z.string(),
  role: z.enum(SERVICE_ACCOUNT_ROLES),
  project_id: ProjectId,
  username: z.withMeta(z.string(), {
    description: 'Signs in with POST /auth/login as `email`',
    example: 'sa-01jd8x3k5m7n9p1q3r5s7t9v1w@service-accounts.invalid',
  }),
  expires_at: Timestamp,
  created_at: Timestamp,
  created_by: z.string(),
  rotated_at: z.nullable(Timestamp),
});

/** A service account as listed and read: never its secret. */
export const ServiceAccount = define(() => z.withMeta(z.object(fields()), { id: 'ServiceAccount' }));

/** The answer of a create or a rotation: the only place the secret ever appears. */
export const ServiceAccountWithSecret = define(() =>
  z.withMeta(
    z.object({
      ...fields(),
      secret: z.withMeta(z.string(), {
        description: 'The password to sign in with; shown only in this answer, never stored by the API',
      }),
    }),
    { id: 'ServiceAccountWithSecret' },
  ),
);

export const ServiceAccountPage = define(() => page(ServiceAccount, 'ServiceAccountPage'));

export const ServiceAccountPath = define(() =>
  z.strictObject({ project_id: ProjectId, sa_id: ServiceAccountId }),
);
