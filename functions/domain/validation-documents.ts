/**
 * The documents of rendering and validation (`validation.ts`), as zod schemas: what a
 * template is rendered with and the manifest it renders into, the manifest and the
 * dependency graph a validator is given, the AWS target it checks, and the verdicts.
 * The HTTP contract serves them as they are (`POST /templates/{name}/render`,
 * `POST /validate/manifest`, `/validate/dependencies`, `/validate/aws`): the metadata
 * (component ids, descriptions) is the OpenAPI document's.
 *
 * The validators accept documents whose *values* may be wrong (that is what they report,
 * with 200), so the schemas of what they are given check the shape only — strict objects,
 * bounded strings and lists — and leave the values (template names, regions, parameters…)
 * to `validation.ts`. A document of the wrong shape is refused before any validator runs.
 */

import * as z from '../platform/zod.ts';
import { AccountId, EnvironmentName, ProjectName, Region, StackName } from './names.ts';
import { ResolvedParameters, TemplateParameters } from './parameters.ts';
import { AWS_CHECK_STATUSES } from './vocabulary.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `names.ts` (esbuild honours the annotation only
 * in the module that declares it, so each module has its own).
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

/** Longest name or value a validator accepts before it even looks at it. */
const LooseName = define(() => z.string().check(z.minLength(1), z.maxLength(64)));

const DurationRange = define(() =>
  z.withMeta(z.object({ min: z.number(), max: z.number() }), {
    id: 'DurationRange',
    description: 'Seconds, real-world-ish (not scaled by the simulation)',
  }),
);

// ---------------------------------------------------------------- render

export const RenderTemplateInput = define(() =>
  z.withMeta(
    z.strictObject({
      parameters: z.optional(TemplateParameters),
      environment_name: z.withMeta(z.optional(EnvironmentName), {
        description: 'Used for the default domain (`<environment>.<project>.example.dev`); default `env`',
      }),
      project_name: z.withMeta(z.optional(ProjectName), {
        description: 'Used for the default domain; default `project`',
      }),
      region: z.optional(Region),
      account_id: z.optional(AccountId),
    }),
    { id: 'RenderTemplateRequest' },
  ),
);

export const ManifestStack = define(() =>
  z.withMeta(
    z.object({
      name: z.string(),
      depends_on: z.array(z.string()),
      layer: z.number().check(z.int()),
      resource_types: z.array(z.string()),
      estimated_monthly_cost_usd: z.number(),
      estimated_duration_seconds: DurationRange,
    }),
    { id: 'ManifestStack' },
  ),
);

export const RenderedManifest = define(() =>
  z.withMeta(
    z.object({
      template: z.string(),
      version: z.string(),
      parameters: ResolvedParameters,
      region: z.string(),
      account_id: z.string(),
      /** In layer order, then by name. */
      stacks: z.array(ManifestStack),
      layers: z.array(z.array(z.string())),
      estimated_monthly_cost_usd: z.withMeta(z.number(), { description: 'Sum of the stacks’ estimates' }),
      estimated_duration_seconds: z.withMeta(DurationRange, {
        description:
          'Time to provision: layers run one after the other and the stacks of a layer in parallel, ' +
          'so this is the sum over layers of the slowest stack of each layer',
      }),
      critical_path: z.withMeta(z.array(z.string()), {
        description: 'The slowest stack (by maximum duration) of each layer, in layer order',
      }),
    }),
    // Not `Manifest`: that component is an environment's manifest (GET/PUT …/manifest).
    { id: 'RenderedManifest' },
  ),
);

// ---------------------------------------------------------------- shared result parts

export const ValidationIssue = define(() =>
  z.withMeta(
    z.object({
      field: z.withMeta(z.string(), {
        description: 'Dotted path in the submitted document, e.g. `parameters.storage_gb`',
      }),
      message: z.string(),
    }),
    { id: 'ValidationIssue' },
  ),
);

// ---------------------------------------------------------------- validate/manifest

/** A stack of a manifest; the computed fields of a rendered manifest are accepted and ignored. */
const ManifestDocumentStack = define(() =>
  z.strictObject({
    name: LooseName,
    depends_on: z._default(z.array(LooseName).check(z.maxLength(50)), []),
    layer: z.optional(z.number()),
    resource_types: z.optional(z.array(z.string().check(z.maxLength(128))).check(z.maxLength(100))),
    estimated_monthly_cost_usd: z.optional(z.number()),
    estimated_duration_seconds: z.optional(z.strictObject({ min: z.number(), max: z.number() })),
  }),
);

export const ValidateManifestInput = define(() =>
  z.withMeta(
    z.strictObject({
      template: LooseName,
      parameters: z.withMeta(
        z.optional(
          z
            .record(z.string().check(z.maxLength(64)), z.unknown())
            .check(z.refine((v) => Object.keys(v).length <= 32, 'at most 32 parameters')),
        ),
        { description: 'Template parameters (see TemplateParameters); problems are reported in `errors`' },
      ),
      stacks: z.withMeta(z.optional(z.array(ManifestDocumentStack).check(z.minLength(1), z.maxLength(50))), {
        description: 'A custom dependency graph replacing the template’s',
      }),
      region: z.optional(LooseName),
      account_id: z.optional(LooseName),
      // Computed fields of a rendered manifest (POST /templates/{name}/render): accepted so a
      // rendered manifest can be validated as is; recomputed, never trusted.
      version: z.optional(z.string().check(z.maxLength(32))),
      layers: z.optional(
        z.array(z.array(z.string().check(z.maxLength(64))).check(z.maxLength(50))).check(z.maxLength(50)),
      ),
      estimated_monthly_cost_usd: z.optional(z.number()),
      estimated_duration_seconds: z.optional(z.strictObject({ min: z.number(), max: z.number() })),
      critical_path: z.optional(z.array(z.string().check(z.maxLength(64))).check(z.maxLength(50))),
    }),
    { id: 'ValidateManifestRequest' },
  ),
);

export const ManifestValidation = define(() =>
  z.withMeta(
    z.object({
      valid: z.withMeta(z.boolean(), { description: 'True when `errors` is empty' }),
      errors: z.array(ValidationIssue),
      warnings: z.array(ValidationIssue),
    }),
    { id: 'ManifestValidation' },
  ),
);

// ---------------------------------------------------------------- validate/dependencies

export const MAX_GRAPH_STACKS = 100;

/** At least one stack, at most {@link MAX_GRAPH_STACKS}: a record's bounds, in either shape. */
function graphBounds<T extends z.ZodMiniType<Record<string, unknown>>>(record: T): T {
  return record.check(
    z.refine((v: Record<string, unknown>) => Object.keys(v).length >= 1, 'give at least one stack'),
    z.refine(
      (v: Record<string, unknown>) => Object.keys(v).length <= MAX_GRAPH_STACKS,
      `at most ${MAX_GRAPH_STACKS} stacks`,
    ),
  ) as T;
}

const DependencyNames = define(() => z.array(StackName).check(z.maxLength(50)));

/** Today's shape: each stack names the stacks it depends on. */
export const DependencyLists = define(() =>
  z.withMeta(graphBounds(z.record(StackName, DependencyNames)), {
    id: 'DependencyLists',
    description: 'stack → the stacks it depends on',
    example: { network: [], security: ['network'], 'database-rds': ['network', 'security'] },
  }),
);

/** One stack in the seed's shape (seed 002): `{"dependencies": […]}`, none when left out. */
export const StackDependencies = define(() =>
  z.withMeta(z.strictObject({ dependencies: z._default(DependencyNames, []) }), {
    id: 'StackDependencies',
    description: 'A stack and the stacks it depends on (none when `dependencies` is left out)',
  }),
);

/** The seed's shape: each stack is an object naming its dependencies. */
export const DependencyObjects = define(() =>
  z.withMeta(graphBounds(z.record(StackName, StackDependencies)), {
    id: 'DependencyObjects',
    description: 'stack → `{"dependencies": [the stacks it depends on]}`',
    example: {
      network: {},
      security: { dependencies: ['network'] },
      'database-rds': { dependencies: ['network', 'security'] },
    },
  }),
);

const SHAPES =
  'every stack\'s dependencies as a list (`"db": ["network"]`), or every stack as an object (`"db": {"dependencies": ["network"]}`)';

/**
 * The message of a `stacks` that is neither shape. A union's own issue says only "Invalid
 * input"; this one says which shape the document looked like and what is wrong with it, or
 * that it mixes the two.
 */
function stacksShapeMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  const input = issue.input;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return `expected an object of stacks: ${SHAPES}`;
  }
  const values = Object.values(input);
  const lists = values.filter((v) => Array.isArray(v)).length;
  if (lists > 0 && lists < values.length) {
    return `mixes the two shapes: give ${SHAPES}, not both`;
  }
  // The shape it looked like: its own first issue, with where it is.
  const first = issue.errors[lists > 0 || values.length === 0 ? 0 : 1]?.[0];
  if (!first) return undefined;
  return first.path.length > 0 ? `${first.path.map(String).join('.')}: ${first.message}` : first.message;
}

export const ValidateDependenciesInput = define(() =>
  z.withMeta(
    z.strictObject({
      stacks: z.withMeta(z.xor([DependencyLists, DependencyObjects], { error: stacksShapeMessage }), {
        description: `The graph: ${SHAPES}`,
      }),
    }),
    { id: 'ValidateDependenciesRequest' },
  ),
);

const MissingDependency = define(() =>
  z.withMeta(z.object({ stack: z.string(), dependency: z.string() }), { id: 'MissingDependency' }),
);

export const DependencyValidation = define(() =>
  z.withMeta(
    z.discriminatedUnion('valid', [
      z.object({
        valid: z.literal(true),
        layers: z.withMeta(z.array(z.array(z.string())), {
          description: 'layers[0] holds the stacks with no dependencies; each layer sorted by name',
        }),
      }),
      z.object({
        valid: z.literal(false),
        message: z.string(),
        cycle: z.withMeta(z.optional(z.array(z.string())), {
          description:
            'One cycle as a closed path following "depends on": [a, b, a] means a depends on b and b on a',
        }),
        missing: z.withMeta(z.optional(z.array(MissingDependency)), {
          description: 'Dependencies on undeclared stacks',
        }),
      }),
    ]),
    { id: 'DependencyValidation' },
  ),
);

// ---------------------------------------------------------------- validate/aws

export const ValidateAwsInput = define(() =>
  z.withMeta(
    z.strictObject({
      account_id: LooseName,
      region: LooseName,
      template: z._default(LooseName, 'default'),
      parameters: z.optional(
        z
          .record(z.string().check(z.maxLength(64)), z.unknown())
          .check(z.refine((v) => Object.keys(v).length <= 32, 'at most 32 parameters')),
      ),
    }),
    { id: 'ValidateAwsRequest' },
  ),
);

export const AwsCheckStatus = define(() => z.enum(AWS_CHECK_STATUSES));

export const AwsCheck = define(() =>
  z.withMeta(
    z.object({
      name: z.withMeta(z.string(), { example: 'quota:vpcs' }),
      status: AwsCheckStatus,
      message: z.string(),
      limit: z.optional(z.number().check(z.int())),
      usage: z.withMeta(z.optional(z.number().check(z.int())), {
        description: 'Current usage, when the platform tracks it',
      }),
      required: z.withMeta(z.optional(z.number().check(z.int())), {
        description: 'How many the template would add',
      }),
    }),
    { id: 'AwsCheck' },
  ),
);

export const AwsValidation = define(() =>
  z.withMeta(
    z.object({
      valid: z.withMeta(z.boolean(), { description: 'True when no check failed (warnings allowed)' }),
      checks: z.array(AwsCheck),
    }),
    { id: 'AwsValidation' },
  ),
);

export type RenderTemplateInput = z.infer<typeof RenderTemplateInput>;
export type RenderedManifestValue = z.infer<typeof RenderedManifest>;
export type ManifestStackValue = z.infer<typeof ManifestStack>;
export type ValidationIssueValue = z.infer<typeof ValidationIssue>;
export type ValidateManifestInput = z.infer<typeof ValidateManifestInput>;
export type ManifestValidationValue = z.infer<typeof ManifestValidation>;
export type ValidateDependenciesInput = z.infer<typeof ValidateDependenciesInput>;
export type DependencyValidationValue = z.infer<typeof DependencyValidation>;
export type ValidateAwsInput = z.infer<typeof ValidateAwsInput>;
export type AwsCheckValue = z.infer<typeof AwsCheck>;
export type AwsValidationValue = z.infer<typeof AwsValidation>;
