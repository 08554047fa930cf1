/**
 * Built-in templates (`default`, `minimal`), their parameters and cost estimates.
 * Layers are computed from the graph (DESIGN.md §4), never declared.
 */

import type { SimulateParametersInput, TemplateParametersInput } from '../api/contract/schemas.ts';
import { computeLayers, type DependencyGraph, layerNumbers, restrictGraph } from './graph.ts';
import { roundCents } from './prices.ts';
import { getStackDefinition, STACK_CATALOG, STACK_NAMES } from './stacks/registry.ts';

export interface ResolvedParameters {
  domain: string;
  vpc_cidr: string;
  instance_type: 't3.micro' | 't4g.micro';
  db_instance_class: 'db.t3.micro' | 'db.t4g.micro';
  db_engine: 'postgres' | 'mysql';
  storage_gb: number;
  /** Failure injection; absent when none was asked for. Changes no stack's inputs. */
  simulate?: SimulateParametersInput;
}

/** The template parameters that are inputs of stacks (everything but `simulate`). */
export type StackParameter = Exclude<keyof ResolvedParameters, 'simulate'>;

/**
 * Which stacks consume which parameter: an update that changes a parameter re-provisions
 * these stacks (and their dependants). Kept next to the simulation that reads them.
 */
export const PARAMETER_CONSUMERS: Readonly<Record<StackParameter, readonly string[]>> = {
  vpc_cidr: ['network'],
  domain: ['dns', 'authentication'],
  db_engine: ['security', 'database-rds'],
  db_instance_class: ['database-rds'],
  storage_gb: ['database-rds'],
  instance_type: ['containers-images', 'services-eks', 'compute-ec2'],
};

export interface TemplateStackView {
  name: string;
  description: string;
  dependsOn: string[];
  layer: number;
  resourceTypes: string[];
  durationSeconds: { min: number; max: number };
  /** With the default parameters. */
  estimatedMonthlyCostUsd: number;
}

export interface Template {
  name: string;
  description: string;
  version: string;
  /** In layer order, then by name. */
  stacks: TemplateStackView[];
  layers: string[][];
  graph: DependencyGraph;
}

const TEMPLATE_VERSION = '1.0.0';

/** The stacks of the `minimal` template. */
export const MINIMAL_STACKS: readonly string[] = Object.freeze([
  'network',
  'security',
  'dns',
  'secrets',
  'storage',
  'database-rds',
  'compute-lambda',
  'monitoring',
]);

const DEFAULT_GRAPH: Record<string, string[]> = Object.fromEntries(
  STACK_NAMES.map((name) => [name, [...(STACK_CATALOG[name]?.dependsOn ?? [])]]),
);

const TEMPLATE_SOURCES: readonly { name: string; description: string; graph: Record<string, string[]> }[] = [
  {
    name: 'default',
    description:
      'A complete environment: network, security, DNS, secrets, authentication, storage, a database, ' +
      'container images and apps, ECS, EKS, an HTTP API, EC2 and Lambda compute, and monitoring.',
    graph: DEFAULT_GRAPH,
  },
  {
    name: 'minimal',
    description:
      'The essentials for a small service: network, security, DNS, secrets, storage, a database, ' +
      'a Lambda function and monitoring.',
    graph: restrictGraph(DEFAULT_GRAPH, MINIMAL_STACKS),
  },
];

/** Parameters used for the estimates shown on templates (the domain does not affect cost). */
const ESTIMATE_PARAMETERS: ResolvedParameters = {
  domain: 'example.dev',
  vpc_cidr: '10.0.0.0/16',
  instance_type: 't3.micro',
  db_instance_class: 'db.t3.micro',
  db_engine: 'postgres',
  storage_gb: 20,
};

function buildTemplate(source: (typeof TEMPLATE_SOURCES)[number]): Template {
  const layers = computeLayers(source.graph);
  const layerOf = layerNumbers(layers);
  const stacks = layers.flat().map((name): TemplateStackView => {
    const definition = getStackDefinition(name);
    if (!definition) throw new Error(`Template ${source.name} uses unknown stack ${name}`);
    return {
      name,
      description: definition.description,
      dependsOn: [...(source.graph[name] ?? [])],
      layer: layerOf[name] ?? 0,
      resourceTypes: [...definition.resourceTypes],
      durationSeconds: { ...definition.durationSeconds },
      estimatedMonthlyCostUsd: estimateStackMonthlyCost(name, ESTIMATE_PARAMETERS),
    };
  });
  const graph = Object.fromEntries(Object.entries(source.graph).map(([name, deps]) => [name, [...deps]]));
  return {
    name: source.name,
    description: source.description,
    version: TEMPLATE_VERSION,
    stacks,
    layers,
    graph,
  };
}

/** The built-in templates, `default` first. Each call returns fresh objects, safe to mutate. */
export function listTemplates(): Template[] {
  return TEMPLATE_SOURCES.map(buildTemplate);
}

/** A built-in template by name, or undefined. */
export function getTemplate(name: string): Template | undefined {
  const source = TEMPLATE_SOURCES.find((t) => t.name === name);
  return source ? buildTemplate(source) : undefined;
}

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
  { type: string; required: boolean; default: unknown; description: string; allowed?: unknown[] }
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
    allowed: ['t3.micro', 't4g.micro'],
  },
  db_instance_class: {
    type: 'string',
    required: false,
    default: 'db.t3.micro',
    description: 'RDS instance class of the database (free-tier sizes).',
    allowed: ['db.t3.micro', 'db.t4g.micro'],
  },
  db_engine: {
    type: 'string',
    required: false,
    default: 'postgres',
    description: 'Database engine: PostgreSQL (port 5432) or MySQL (port 3306).',
    allowed: ['postgres', 'mysql'],
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

/** Monthly cost in USD of one stack with these parameters (sum of its resources' costs), rounded to cents. */
/** The template parameters a stack consumes, with their values (keys sorted). */
export function stackInputs(stack: string, parameters: ResolvedParameters): Record<string, unknown> {
  return Object.fromEntries(
    (Object.keys(PARAMETER_CONSUMERS) as StackParameter[])
      .filter((p) => PARAMETER_CONSUMERS[p].includes(stack))
      .sort()
      .map((p) => [p, parameters[p]]),
  );
}

export function estimateStackMonthlyCost(stack: string, parameters: ResolvedParameters): number {
  const definition = getStackDefinition(stack);
  if (!definition) throw new Error(`Unknown stack: ${stack}`);
  return roundCents(
    definition.resources.reduce((sum, resource) => sum + roundCents(resource.monthlyCostUsd(parameters)), 0),
  );
}

/** Monthly cost in USD of several stacks (e.g. a template's), rounded to cents. */
export function estimateMonthlyCost(stacks: readonly string[], parameters: ResolvedParameters): number {
  return roundCents(stacks.reduce((sum, stack) => sum + estimateStackMonthlyCost(stack, parameters), 0));
}
