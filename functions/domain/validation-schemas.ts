/**
 * Request and response schemas of the template-rendering and validation routes:
 * `POST /templates/{name}/render`, `POST /validate/manifest`, `POST /validate/dependencies`
 * and `POST /validate/aws`.
 *
 * The validators accept documents whose *values* may be wrong (that is what they report,
 * with 200), so their request schemas check the shape only — strict objects, bounded
 * strings and lists — and leave the values (template names, regions, parameters…) to
 * `validation.ts`. A body of the wrong shape is still a 422.
 */
import { z } from 'zod';
import {
  AccountId,
  EnvironmentName,
  ProjectName,
  Region,
  SimulateParameters,
  StackName,
  TemplateParameters,
} from './schemas.ts';

/** Longest name or value a validator accepts before it even looks at it. */
const LooseName = z.string().min(1).max(64);

const DurationRange = z
  .object({ min: z.number(), max: z.number() })
  .meta({ id: 'DurationRange', description: 'Seconds, real-world-ish (not scaled by the simulation)' });

// ---------------------------------------------------------------- render

export const RenderTemplateRequest = z
  .strictObject({
    parameters: TemplateParameters.optional(),
    environment_name: EnvironmentName.optional().meta({
      description: 'Used for the default domain (`<environment>.<project>.example.dev`); default `env`',
    }),
    project_name: ProjectName.optional().meta({
      description: 'Used for the default domain; default `project`',
    }),
    region: Region.optional(),
    account_id: AccountId.optional(),
  })
  .meta({ id: 'RenderTemplateRequest' });

/** Template parameters with every default filled in. */
export const ResolvedParameters = z
  .object({
    domain: z.string(),
    vpc_cidr: z.string(),
    instance_type: z.enum(['t3.micro', 't4g.micro']),
    db_instance_class: z.enum(['db.t3.micro', 'db.t4g.micro']),
    db_engine: z.enum(['postgres', 'mysql']),
    storage_gb: z.number().int(),
    simulate: SimulateParameters.optional(),
  })
  .meta({ id: 'ResolvedParameters' });

export const ManifestStack = z
  .object({
    name: z.string(),
    depends_on: z.array(z.string()),
    layer: z.number().int(),
    resource_types: z.array(z.string()),
    estimated_monthly_cost_usd: z.number(),
    estimated_duration_seconds: DurationRange,
  })
  .meta({ id: 'ManifestStack' });

export const Manifest = z
  .object({
    template: z.string(),
    version: z.string(),
    parameters: ResolvedParameters,
    region: z.string(),
    account_id: z.string(),
    /** In layer order, then by name. */
    stacks: z.array(ManifestStack),
    layers: z.array(z.array(z.string())),
    estimated_monthly_cost_usd: z.number().meta({ description: 'Sum of the stacks’ estimates' }),
    estimated_duration_seconds: DurationRange.meta({
      description:
        'Time to provision: layers run one after the other and the stacks of a layer in parallel, ' +
        'so this is the sum over layers of the slowest stack of each layer',
    }),
    critical_path: z.array(z.string()).meta({
      description: 'The slowest stack (by maximum duration) of each layer, in layer order',
    }),
  })
  // Not `Manifest`: that component is an environment's manifest (GET/PUT …/manifest).
  .meta({ id: 'RenderedManifest' });

// ---------------------------------------------------------------- shared result parts

export const ValidationIssue = z
  .object({
    field: z
      .string()
      .meta({ description: 'Dotted path in the submitted document, e.g. `parameters.storage_gb`' }),
    message: z.string(),
  })
  .meta({ id: 'ValidationIssue' });

// ---------------------------------------------------------------- validate/manifest

/** A stack of a manifest; the computed fields of a rendered manifest are accepted and ignored. */
const ManifestDocumentStack = z.strictObject({
  name: LooseName,
  depends_on: z.array(LooseName).max(50).default([]),
  layer: z.number().optional(),
  resource_types: z.array(z.string().max(128)).max(100).optional(),
  estimated_monthly_cost_usd: z.number().optional(),
  estimated_duration_seconds: z.strictObject({ min: z.number(), max: z.number() }).optional(),
});

export const ValidateManifestRequest = z
  .strictObject({
    template: LooseName,
    parameters: z
      .record(z.string().max(64), z.unknown())
      .refine((v) => Object.keys(v).length <= 32, 'at most 32 parameters')
      .optional()
      .meta({
        description: 'Template parameters (see TemplateParameters); problems are reported in `errors`',
      }),
    stacks: z
      .array(ManifestDocumentStack)
      .min(1)
      .max(50)
      .optional()
      .meta({ description: 'A custom dependency graph replacing the template’s' }),
    region: LooseName.optional(),
    account_id: LooseName.optional(),
    // Computed fields of a rendered manifest (POST /templates/{name}/render): accepted so a
    // rendered manifest can be validated as is; recomputed, never trusted.
    version: z.string().max(32).optional(),
    layers: z
      .array(z.array(z.string().max(64)).max(50))
      .max(50)
      .optional(),
    estimated_monthly_cost_usd: z.number().optional(),
    estimated_duration_seconds: z.strictObject({ min: z.number(), max: z.number() }).optional(),
    critical_path: z.array(z.string().max(64)).max(50).optional(),
  })
  .meta({ id: 'ValidateManifestRequest' });

export const ManifestValidation = z
  .object({
    valid: z.boolean().meta({ description: 'True when `errors` is empty' }),
    errors: z.array(ValidationIssue),
    warnings: z.array(ValidationIssue),
  })
  .meta({ id: 'ManifestValidation' });

// ---------------------------------------------------------------- validate/dependencies

export const MAX_GRAPH_STACKS = 100;

export const ValidateDependenciesRequest = z
  .strictObject({
    stacks: z
      .record(StackName, z.array(StackName).max(50))
      .refine((v) => Object.keys(v).length >= 1, 'give at least one stack')
      .refine((v) => Object.keys(v).length <= MAX_GRAPH_STACKS, `at most ${MAX_GRAPH_STACKS} stacks`)
      .meta({
        description: 'stack → the stacks it depends on',
        example: { network: [], security: ['network'], 'database-rds': ['network', 'security'] },
      }),
  })
  .meta({ id: 'ValidateDependenciesRequest' });

const MissingDependency = z
  .object({ stack: z.string(), dependency: z.string() })
  .meta({ id: 'MissingDependency' });

export const DependencyValidation = z
  .discriminatedUnion('valid', [
    z.object({
      valid: z.literal(true),
      layers: z.array(z.array(z.string())).meta({
        description: 'layers[0] holds the stacks with no dependencies; each layer sorted by name',
      }),
    }),
    z.object({
      valid: z.literal(false),
      message: z.string(),
      cycle: z.array(z.string()).optional().meta({
        description:
          'One cycle as a closed path following "depends on": [a, b, a] means a depends on b and b on a',
      }),
      missing: z
        .array(MissingDependency)
        .optional()
        .meta({ description: 'Dependencies on undeclared stacks' }),
    }),
  ])
  .meta({ id: 'DependencyValidation' });

// ---------------------------------------------------------------- validate/aws

export const ValidateAwsRequest = z
  .strictObject({
    account_id: LooseName,
    region: LooseName,
    template: LooseName.default('default'),
    parameters: z
      .record(z.string().max(64), z.unknown())
      .refine((v) => Object.keys(v).length <= 32, 'at most 32 parameters')
      .optional(),
  })
  .meta({ id: 'ValidateAwsRequest' });

export const AwsCheckStatus = z.enum(['pass', 'warn', 'fail']);

export const AwsCheck = z
  .object({
    name: z.string().meta({ example: 'quota:vpcs' }),
    status: AwsCheckStatus,
    message: z.string(),
    limit: z.number().int().optional(),
    usage: z.number().int().optional().meta({ description: 'Current usage, when the platform tracks it' }),
    required: z.number().int().optional().meta({ description: 'How many the template would add' }),
  })
  .meta({ id: 'AwsCheck' });

export const AwsValidation = z
  .object({
    valid: z.boolean().meta({ description: 'True when no check failed (warnings allowed)' }),
    checks: z.array(AwsCheck),
  })
  .meta({ id: 'AwsValidation' });

export type RenderTemplateInput = z.infer<typeof RenderTemplateRequest>;
export type ManifestValue = z.infer<typeof Manifest>;
export type ManifestStackValue = z.infer<typeof ManifestStack>;
export type ValidationIssueValue = z.infer<typeof ValidationIssue>;
export type ValidateManifestInput = z.infer<typeof ValidateManifestRequest>;
export type ManifestValidationValue = z.infer<typeof ManifestValidation>;
export type ValidateDependenciesInput = z.infer<typeof ValidateDependenciesRequest>;
export type DependencyValidationValue = z.infer<typeof DependencyValidation>;
export type ValidateAwsInput = z.infer<typeof ValidateAwsRequest>;
export type AwsCheckValue = z.infer<typeof AwsCheck>;
export type AwsCheckStatusValue = z.infer<typeof AwsCheckStatus>;
export type AwsValidationValue = z.infer<typeof AwsValidation>;
