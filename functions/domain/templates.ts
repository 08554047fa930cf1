/**
 * Built-in templates (`default`, `minimal`), which stacks consume which parameter, and
 * cost estimates. Layers are computed from the graph (DESIGN.md §4), never declared. The
 * parameters themselves (schema, defaults, docs) are in `parameters.ts`.
 */

import { computeLayers, type DependencyGraph, layerNumbers, restrictGraph } from './graph.ts';
import type { ResolvedParameters } from './parameters.ts';
import { roundCents } from './prices.ts';
import { getStackDefinition, STACK_CATALOG, STACK_NAMES } from './stacks/registry.ts';

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

/** The template parameters a stack consumes, with their values (keys sorted). */
export function stackInputs(stack: string, parameters: ResolvedParameters): Record<string, unknown> {
  return Object.fromEntries(
    (Object.keys(PARAMETER_CONSUMERS) as StackParameter[])
      .filter((p) => PARAMETER_CONSUMERS[p].includes(stack))
      .sort()
      .map((p) => [p, parameters[p]]),
  );
}

/** Monthly cost in USD of one stack with these parameters (sum of its resources' costs), rounded to cents. */
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
