/**
 * Template parameters: what a template can be given (`TemplateParameters`, every field
 * optional), the failure injection among them (`SimulateParameters`), the values an
 * environment keeps once every default is filled in (`ResolvedParameters`,
 * `resolveParameters`), and their documentation (`PARAMETER_DOCS`).
 *
 * The schemas are the domain's rules (guarded like a free tier); the HTTP contract and the
 * validators parse with them. `z.withMeta(schema, { id })` names a schema as an OpenAPI
 * component.
 */
import * as z from '../platform/zod.ts';
import { StackName } from './names.ts';
import { DB_ENGINES, DB_INSTANCE_CLASSES, INSTANCE_TYPES } from './vocabulary.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `names.ts` (esbuild honours the annotation only in
 * the module that declares it, so each module has its own).
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

/**
 * A chance, from 0 to 1. A non-zero rate under 1e-12 means nothing in a simulation, and the
 * table could not keep it (DynamoDB numbers stop at 1e-130; 5e-324 was a 500), so it is
 * refused with the rest of the input.
 */
export const Rate = define(() =>
  z.withMeta(
    z.number().check(
      z.gte(0),
      z.lte(1),
      z.refine((rate) => rate === 0 || rate >= 1e-12, 'must be 0, or from 1e-12 to 1'),
    ),
    // The refinement, as JSON Schema says it, so the OpenAPI document is exact.
    { not: { exclusiveMinimum: 0, exclusiveMaximum: 1e-12 } },
  ),
);

/**
 * Failure injection, deterministic for a given environment id and operation attempt so a
 * run can be reproduced: `failure_rate` (permanent failures), `transient_failure_rate`
 * (errors the state machine's Retry absorbs), stacks that always fail to create or delete.
 */
export const SimulateParameters = define(() =>
  z.withMeta(
    z.strictObject({
      failure_rate: z.optional(Rate),
      transient_failure_rate: z.optional(Rate),
      fail_stacks: z.optional(z.array(StackName).check(z.maxLength(32))),
      fail_destroy_stacks: z.optional(z.array(StackName).check(z.maxLength(32))),
      /** Chance (0–1) that a resource has drifted when a refresh compares it with the live state. */
      drift_rate: z.optional(Rate),
    }),
    { id: 'SimulateParameters' },
  ),
);
export type SimulateParametersInput = z.infer<typeof SimulateParameters>;

/**
 * Template parameters, guarded like a free tier. Every field has a default, so `{}` is valid;
 * the resolved values are stored on the environment.
 */
export const TemplateParameters = define(() =>
  z.withMeta(
    z.strictObject({
      domain: z.optional(
        z
          .string()
          .check(
            z.maxLength(200),
            z.regex(
              /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/,
              'a DNS domain such as app.example.com',
            ),
          ),
      ),
      vpc_cidr: z.optional(
        // The second octet's range is in the pattern itself, so the OpenAPI document says it too.
        z
          .string()
          .check(
            z.regex(
              /^10\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.0\.0\/16$/,
              'a /16 in 10.0.0.0/8 (second octet 0–255), such as 10.0.0.0/16',
            ),
          ),
      ),
      instance_type: z.optional(z.enum(INSTANCE_TYPES)),
      db_instance_class: z.optional(z.enum(DB_INSTANCE_CLASSES)),
      db_engine: z.optional(z.enum(DB_ENGINES)),
      storage_gb: z.optional(z.number().check(z.int(), z.gte(1), z.lte(100))),
      simulate: z.optional(SimulateParameters),
    }),
    { id: 'TemplateParameters' },
  ),
);
export type TemplateParametersInput = z.infer<typeof TemplateParameters>;

/** Template parameters with every default filled in: what an environment records. */
export const ResolvedParameters = define(() =>
  z.withMeta(
    z.object({
      domain: z.string(),
      vpc_cidr: z.string(),
      instance_type: z.enum(INSTANCE_TYPES),
      db_instance_class: z.enum(DB_INSTANCE_CLASSES),
      db_engine: z.enum(DB_ENGINES),
      storage_gb: z.number().check(z.int()),
      /** Failure injection; absent when none was asked for. Changes no stack's inputs. */
      simulate: z.optional(SimulateParameters),
    }),
    { id: 'ResolvedParameters' },
  ),
);
export type ResolvedParameters = z.infer<typeof ResolvedParameters>;

/** A DNS label made of `value`: lowercase letters, digits and inner hyphens, at most `max` characters. */
function dnsLabel(value: string, max: number, fallback: string): string {
  const label = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
  return label === '' ? fallback : label;
}

/**
 * Fills the defaults. The default domain is `<environment>.<project-slug>.example.dev`
 * (lowercase DNS labels, each at most 63 characters).
 */
export function resolveParameters(
  input: TemplateParametersInput,
  context: { environmentName: string; projectName: string },
): ResolvedParameters {
  return {
    domain:
      input.domain ??
      `${dnsLabel(context.environmentName, 63, 'env')}.${dnsLabel(context.projectName, 63, 'project')}.example.dev`,
    vpc_cidr: input.vpc_cidr ?? '10.0.0.0/16',
    instance_type: input.instance_type ?? 't3.micro',
    db_instance_class: input.db_instance_class ?? 'db.t3.micro',
    db_engine: input.db_engine ?? 'postgres',
    storage_gb: input.storage_gb ?? 20,
    ...(input.simulate ? { simulate: input.simulate } : {}),
  };
}

/** Documentation of each parameter for GET /templates/{name}. */
export const PARAMETER_DOCS: Record<
  keyof ResolvedParameters,
  { type: string; required: boolean; default: unknown; description: string; allowed?: readonly unknown[] }
> = {
  domain: {
    type: 'string',
    required: false,
    default: '<environment>.<project>.example.dev',
    description:
      'DNS domain of the environment: the public hosted zone and the TLS certificate (for it and *.domain). ' +
      'Defaults to the environment name under the project name.',
  },
  vpc_cidr: {
    type: 'string',
    required: false,
    default: '10.0.0.0/16',
    description:
      'IPv4 range of the VPC, a /16 in 10.0.0.0/8. Public subnets are /24s, private subnets /20s, one of each per availability zone.',
  },
  instance_type: {
    type: 'string',
    required: false,
    default: 't3.micro',
    description: 'EC2 instance type of the compute-ec2 instance and the EKS nodes (free-tier sizes).',
    allowed: INSTANCE_TYPES,
  },
  db_instance_class: {
    type: 'string',
    required: false,
    default: 'db.t3.micro',
    description: 'RDS instance class of the database (free-tier sizes).',
    allowed: DB_INSTANCE_CLASSES,
  },
  db_engine: {
    type: 'string',
    required: false,
    default: 'postgres',
    description: 'Database engine: PostgreSQL (port 5432) or MySQL (port 3306).',
    allowed: DB_ENGINES,
  },
  storage_gb: {
    type: 'integer',
    required: false,
    default: 20,
    description: 'Allocated gp3 storage of the database, in GB (1 to 100).',
  },
  simulate: {
    type: 'object',
    required: false,
    default: null,
    description:
      'Failure injection, reproducible per environment and attempt: failure_rate and transient_failure_rate (0–1), fail_stacks and fail_destroy_stacks (stack names that always fail to create or delete).',
  },
};
