/**
 * How the domain's things are named and identified, as zod schemas: the id formats
 * (`ids.ts` makes the ids), the rules for names of projects, environments, stacks,
 * templates and application versions, and the AWS region and account an environment
 * targets (`aws.ts` holds the facts). The inputs of the use cases are built from them, and
 * so are the HTTP contract's paths and answers.
 *
 * `z.withMeta(schema, { example })` carries what the OpenAPI document shows.
 */
import * as z from '../platform/zod.ts';
import { ACCOUNT_ID_PATTERN, AWS_REGIONS } from './aws.ts';
import type { IdPrefix } from './ids.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use. zod annotates its functions as free of side effects, but esbuild honours such
 * an annotation only in the module that declares the function (evanw/esbuild#4369): here every
 * `z.…()` call could do anything, and an unused schema would stay. A call of this function,
 * annotated in this module, whose only argument is a function, has no side effect esbuild
 * can see. Every module that defines schemas has its own copy, for the same reason.
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

// ---------------------------------------------------------------- ids

const id = (prefix: IdPrefix) =>
  z.withMeta(z.string().check(z.regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), `must be a ${prefix}_… id`)), {
    example: `${prefix}_01jd8x3k5m7n9p1q3r5s7t9v1w`,
  });

export const ProjectId = define(() => id('prj'));
export const EnvironmentId = define(() => id('env'));
export const OperationId = define(() => id('op'));
export const DeploymentId = define(() => id('dep'));
export const ServiceAccountId = define(() => id('sa'));
export const WebhookId = define(() => id('wh'));

// ---------------------------------------------------------------- names

/** DNS-label style name: environments become host names (`base_url`). */
export const EnvironmentName = define(() =>
  z.withMeta(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(40),
        z.regex(
          /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
          'lowercase letters, digits and hyphens; must start and end alphanumeric',
        ),
      ),
    { example: 'preview-pr-123' },
  ),
);

export const ProjectName = define(() =>
  z.withMeta(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(64),
        z.regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'letters, digits, spaces, dots, underscores and hyphens'),
      ),
    { example: 'payments' },
  ),
);

export const StackName = define(() =>
  z.withMeta(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(40),
        z.regex(/^[a-z][a-z0-9-]*$/, 'a stack name such as database-rds'),
      ),
    { example: 'database-rds' },
  ),
);

export const TemplateName = define(() =>
  z.withMeta(z.string().check(z.minLength(1), z.maxLength(40), z.regex(/^[a-z][a-z0-9-]*$/)), {
    example: 'default',
  }),
);

/** An application version a deployment rolls out. */
export const DeploymentVersion = define(() =>
  z.withMeta(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(128),
        z.regex(
          /^[A-Za-z0-9][A-Za-z0-9._+-]*$/,
          'letters, digits, dots, underscores, plus signs and hyphens',
        ),
      ),
    { example: 'v1.4.2' },
  ),
);

// ---------------------------------------------------------------- AWS target

export const Region = define(() => z.withMeta(z.enum(AWS_REGIONS), { example: 'us-east-1' }));
export const AccountId = define(() =>
  z.withMeta(z.string().check(z.regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account id')), {
    example: '111111111111',
  }),
);
