/** The contract of the `auth` routes: sign-up, confirmation, login, refresh, and who the caller is. */

import { ROLES, SERVICE_ACCOUNT_ROLES } from '../../domain/vocabulary.ts';
import * as z from '../../platform/zod.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `common.ts` (esbuild honours the annotation only in
 * the module that declares it, so each module has its own).
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

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
      /** Only for a service account (docs/decisions.md §44): what confines it. */
      service_account: z.optional(
        z.withMeta(
          z.object({ id: z.string(), project_id: z.string(), role: z.enum(SERVICE_ACCOUNT_ROLES) }),
          { description: 'Present for a service account only: its id, project and role there' },
        ),
      ),
    }),
    { id: 'Me' },
  ),
);
