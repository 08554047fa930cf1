import { ACCOUNT_ID_PATTERN } from '../aws.ts';
import { computeLayers, type DependencyGraph, findCycle, findMissingDependencies } from '../graph.ts';
import { getStackDefinition, STACK_NAMES } from '../stacks/registry.ts';
import { getTemplate, type Template } from '../templates.ts';
import type { ManifestValidationValue, ValidateManifestInput } from '../validation-documents.ts';
import { byName, type Issue, isRegion, parameterWarnings, parseParameters, templateNames } from './checks.ts';

// ---------------------------------------------------------------- validate/manifest

/**
 * Stacks that exist only to serve one other stack: in a manifest where nothing depends on
 * them they cost time and money for nothing.
 */
export const SUPPORT_STACKS: Readonly<Record<string, string>> = {
  'services-ecr': 'services-ecs',
  'containers-images': 'containers-apps',
};

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
};

/** The custom graph of a manifest: problems with names, and the graph of the stacks it declares. */
function customGraph(stacks: NonNullable<ValidateManifestInput['stacks']>): {
  errors: Issue[];
  graph: Record<string, string[]>;
  indexOf: Map<string, number>;
} {
  const errors: Issue[] = [];
  const indexOf = new Map<string, number>();
  const graph: Record<string, string[]> = {};
  stacks.forEach((stack, index) => {
    const first = indexOf.get(stack.name);
    if (first !== undefined) {
      errors.push({
        field: `stacks.${index}.name`,
        message: `duplicate stack '${stack.name}' (see stacks.${first})`,
      });
      return;
    }
    indexOf.set(stack.name, index);
    if (!getStackDefinition(stack.name)) {
      errors.push({
        field: `stacks.${index}.name`,
        message: `unknown stack '${stack.name}'; known stacks: ${STACK_NAMES.join(', ')}`,
      });
    }
    Object.defineProperty(graph, stack.name, {
      value: [...new Set(stack.depends_on)],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  for (const { stack, dependency } of findMissingDependencies(graph)) {
    const index = indexOf.get(stack) ?? 0;
    const at = stacks[index]?.depends_on.indexOf(dependency) ?? -1;
    errors.push({
      field: `stacks.${index}.depends_on${at >= 0 ? `.${at}` : ''}`,
      message: `'${stack}' depends on '${dependency}', which is not a stack of this manifest`,
    });
  }
  const cycle = findCycle(graph);
  if (cycle) errors.push({ field: 'stacks', message: `dependency cycle: ${cycle.join(' → ')}` });
  return { errors, graph, indexOf };
}

function describeGraphChange(template: Template, graph: DependencyGraph): string | null {
  const custom = Object.keys(graph);
  const added = custom.filter((name) => !Object.hasOwn(template.graph, name)).sort(byName);
  const removed = Object.keys(template.graph)
    .filter((name) => !custom.includes(name))
    .sort(byName);
  const changed = custom
    .filter((name) => Object.hasOwn(template.graph, name))
    .filter((name) => !sameSet(graph[name] ?? [], template.graph[name] ?? []))
    .sort(byName);
  const parts = [
    ...(added.length ? [`adds ${added.join(', ')}`] : []),
    ...(removed.length ? [`removes ${removed.join(', ')}`] : []),
    ...(changed.length ? [`changes the dependencies of ${changed.join(', ')}`] : []),
  ];
  return parts.length
    ? `replaces the dependency graph of template '${template.name}': ${parts.join('; ')}`
    : null;
}

/** Warnings about a graph whose names and edges are valid. */
function graphWarnings(
  graph: DependencyGraph,
  fieldOf: (stack: string) => string,
  input: ValidateManifestInput,
): Issue[] {
  const warnings: Issue[] = [];
  const names = Object.keys(graph);
  for (const name of names) {
    const expected = getStackDefinition(name)?.dependsOn ?? [];
    const declared = graph[name] ?? [];
    const undeclared = expected.filter((d) => !declared.includes(d));
    if (undeclared.length > 0) {
      warnings.push({
        field: `${fieldOf(name)}.depends_on`,
        message: `'${name}' normally depends on ${undeclared.join(', ')} (it consumes their outputs)`,
      });
    }
  }
  for (const [support, consumer] of Object.entries(SUPPORT_STACKS)) {
    if (!names.includes(support)) continue;
    const used = names.some((n) => (graph[n] ?? []).includes(support));
    if (!used) {
      warnings.push({
        field: fieldOf(support),
        message: `nothing depends on '${support}', which only serves '${consumer}': it is unused`,
      });
    }
  }
  if (input.layers) {
    const layers = computeLayers(graph);
    const given = input.layers.map((l) => [...l].sort(byName));
    if (JSON.stringify(given) !== JSON.stringify(layers)) {
      warnings.push({
        field: 'layers',
        message: `ignored: layers are computed from the dependencies (${layers.map((l) => `[${l.join(', ')}]`).join(' → ')})`,
      });
    }
  }
  return warnings;
}

/**
 * Validates a manifest: the template exists, the parameters are valid, the region and
 * account id are well-formed, and the dependency graph (the template's, or the manifest's
 * own `stacks`) names catalog stacks only, has no missing dependency and no cycle.
 * Field paths are relative to the manifest (`parameters.storage_gb`, `stacks.2.depends_on.0`).
 */
export function validateManifest(input: ValidateManifestInput): ManifestValidationValue {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];

  const template = getTemplate(input.template);
  if (!template) {
    errors.push({
      field: 'template',
      message: `unknown template '${input.template}'; available: ${templateNames()}`,
    });
  } else if (input.version !== undefined && input.version !== template.version) {
    warnings.push({
      field: 'version',
      message: `rendered from version ${input.version} of template '${template.name}'; the current version is ${template.version}`,
    });
  }

  if (input.region !== undefined && !isRegion(input.region)) {
    errors.push({
      field: 'region',
      message: `unknown region '${input.region}'; give a commercial AWS region such as us-east-1`,
    });
  }
  if (input.account_id !== undefined && !ACCOUNT_ID_PATTERN.test(input.account_id)) {
    errors.push({ field: 'account_id', message: 'must be a 12-digit AWS account id' });
  }

  let graph: DependencyGraph | undefined;
  let fieldOf: (stack: string) => string = () => 'stacks';
  if (input.stacks) {
    const custom = customGraph(input.stacks);
    errors.push(...custom.errors);
    if (custom.errors.length === 0) {
      graph = custom.graph;
      fieldOf = (stack) => `stacks.${custom.indexOf.get(stack) ?? 0}`;
      const change = template ? describeGraphChange(template, graph) : null;
      if (change) warnings.push({ field: 'stacks', message: change });
    }
  } else if (template) {
    graph = template.graph;
  }
  if (graph) warnings.push(...graphWarnings(graph, fieldOf, input));

  const parameters = parseParameters(input.parameters);
  if (parameters.ok) {
    warnings.push(...parameterWarnings(parameters.value, graph ? Object.keys(graph) : undefined));
  } else {
    errors.push(...parameters.errors);
  }

  return { valid: errors.length === 0, errors, warnings };
}
