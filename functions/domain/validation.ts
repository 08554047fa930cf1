/**
 * Rendering templates into manifests, and the validators behind `POST /validate/*`.
 * Pure: the only outside fact (how many VPCs an account already uses in a region) comes
 * in through a function the caller passes.
 *
 * A validator answers about the *document* it was given: problems with its values are
 * listed in `errors` (and make it invalid) or `warnings` (legal but probably unwanted);
 * only a document of the wrong shape is refused, by its schema (`validation-documents.ts`;
 * a 422 over HTTP).
 */

import type * as z from '../platform/zod.ts';
import { ACCOUNT_ID_PATTERN, AWS_REGIONS } from './aws.ts';
import { computeLayers, type DependencyGraph, findCycle, findMissingDependencies } from './graph.ts';
import {
  resolveParameters,
  type SimulateParametersInput,
  TemplateParameters,
  type TemplateParametersInput,
} from './parameters.ts';
import { PRICES } from './prices.ts';
import { getStackDefinition, STACK_NAMES } from './stacks/registry.ts';
import {
  estimateMonthlyCost,
  estimateStackMonthlyCost,
  getTemplate,
  listTemplates,
  type Template,
} from './templates.ts';
import type {
  AwsCheckValue,
  AwsValidationValue,
  DependencyValidationValue,
  ManifestStackValue,
  ManifestValidationValue,
  RenderedManifestValue,
  RenderTemplateInput,
  ValidateAwsInput,
  ValidateManifestInput,
  ValidationIssueValue,
} from './validation-documents.ts';
import type { AwsCheckStatusValue } from './vocabulary.ts';

// ---------------------------------------------------------------- render

/** Names the default domain is built from when a render request gives none. */
export const RENDER_DEFAULT_NAMES = { environmentName: 'env', projectName: 'project' } as const;

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * How long provisioning takes, in seconds. The workflow runs the layers one after the other
 * and the stacks of a layer in parallel, waiting for the whole layer before the next one
 * starts, so the duration is the sum over layers of the slowest stack of each layer (for
 * the minimum: of the largest minimum). This is the engine's real critical path; a plain
 * longest path through the graph would be shorter, as no stack starts before its layer does.
 * `critical_path` names the slowest stack (largest maximum, then name) of each layer.
 */
export function estimateProvisioningDuration(layers: readonly (readonly string[])[]): {
  min: number;
  max: number;
  criticalPath: string[];
} {
  let min = 0;
  let max = 0;
  const criticalPath: string[] = [];
  for (const layer of layers) {
    let layerMin = 0;
    let slowest: { name: string; max: number } | undefined;
    for (const name of [...layer].sort(byName)) {
      const duration = getStackDefinition(name)?.durationSeconds ?? { min: 0, max: 0 };
      layerMin = Math.max(layerMin, duration.min);
      if (!slowest || duration.max > slowest.max) slowest = { name, max: duration.max };
    }
    min += layerMin;
    max += slowest?.max ?? 0;
    if (slowest) criticalPath.push(slowest.name);
  }
  return { min, max, criticalPath };
}

/**
 * The manifest of a template with these parameters: resolved parameters, stacks with
 * their layer, cost and duration, the layers, the total cost and the provisioning time.
 * The region and account default to the platform's defaults.
 */
export function renderManifest(
  template: Template,
  input: RenderTemplateInput,
  defaults: { region: string; accountId: string },
): RenderedManifestValue {
  const parameters = resolveParameters(input.parameters ?? {}, {
    environmentName: input.environment_name ?? RENDER_DEFAULT_NAMES.environmentName,
    projectName: input.project_name ?? RENDER_DEFAULT_NAMES.projectName,
  });
  const stacks = template.stacks.map(
    (stack): ManifestStackValue => ({
      name: stack.name,
      depends_on: [...stack.dependsOn],
      layer: stack.layer,
      resource_types: [...stack.resourceTypes],
      estimated_monthly_cost_usd: estimateStackMonthlyCost(stack.name, parameters),
      estimated_duration_seconds: { ...stack.durationSeconds },
    }),
  );
  const duration = estimateProvisioningDuration(template.layers);
  return {
    template: template.name,
    version: template.version,
    parameters,
    region: input.region ?? defaults.region,
    account_id: input.account_id ?? defaults.accountId,
    stacks,
    layers: template.layers.map((layer) => [...layer]),
    estimated_monthly_cost_usd: estimateMonthlyCost(
      stacks.map((s) => s.name),
      parameters,
    ),
    estimated_duration_seconds: { min: duration.min, max: duration.max },
    critical_path: duration.criticalPath,
  };
}

// ---------------------------------------------------------------- shared checks

type Issue = ValidationIssueValue;

/** zod issues as `{field, message}` under `prefix` (unknown keys one issue each). */
function issuesOf(error: z.core.$ZodError, prefix: string): Issue[] {
  return error.issues.flatMap((issue) => {
    const field = [prefix, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: `${field}.${key}`, message: 'unknown parameter' }));
    }
    return [{ field, message: issue.message }];
  });
}

/** Parses template parameters: the parsed value, or the problems under `parameters.…`. */
function parseParameters(
  raw: Record<string, unknown> | undefined,
): { ok: true; value: TemplateParametersInput } | { ok: false; errors: Issue[] } {
  const result = TemplateParameters.safeParse(raw ?? {});
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: issuesOf(result.error, 'parameters') };
}

const templateNames = (): string =>
  listTemplates()
    .map((t) => t.name)
    .join(', ');

function isRegion(value: string): boolean {
  return (AWS_REGIONS as readonly string[]).includes(value);
}

/** Storage above this many GB draws a warning: it is a sandbox. */
export const SANDBOX_STORAGE_GB = 50;

const usd = (value: number): string => `$${value.toFixed(2)}`;

/**
 * Legal parameter values that are probably unwanted: large storage, injected failures,
 * failure injection naming stacks the environment does not have (`stacks`, when known).
 */
export function parameterWarnings(parameters: TemplateParametersInput, stacks?: readonly string[]): Issue[] {
  const warnings: Issue[] = [];
  if (parameters.storage_gb !== undefined && parameters.storage_gb > SANDBOX_STORAGE_GB) {
    warnings.push({
      field: 'parameters.storage_gb',
      message:
        `${parameters.storage_gb} GB is costly for a sandbox (${usd(parameters.storage_gb * PRICES.rdsGp3GbMonth)} ` +
        `a month of storage); ${SANDBOX_STORAGE_GB} GB or less is usually enough`,
    });
  }
  const simulate: SimulateParametersInput = parameters.simulate ?? {};
  if ((simulate.failure_rate ?? 0) > 0) {
    warnings.push({
      field: 'parameters.simulate.failure_rate',
      message: `failures will be injected: each stack fails to provision with probability ${simulate.failure_rate}`,
    });
  }
  if ((simulate.transient_failure_rate ?? 0) > 0) {
    warnings.push({
      field: 'parameters.simulate.transient_failure_rate',
      message: `transient failures will be injected (probability ${simulate.transient_failure_rate}); retries absorb them but runs take longer`,
    });
  }
  for (const key of ['fail_stacks', 'fail_destroy_stacks'] as const) {
    const names = simulate[key] ?? [];
    if (names.length === 0) continue;
    const action = key === 'fail_stacks' ? 'provision' : 'be destroyed';
    warnings.push({
      field: `parameters.simulate.${key}`,
      message: `failures will be injected: ${names.join(', ')} will always fail to ${action}`,
    });
    names.forEach((name, index) => {
      if (stacks && !stacks.includes(name)) {
        warnings.push({
          field: `parameters.simulate.${key}.${index}`,
          message: `'${name}' is not a stack of this environment; it is ignored`,
        });
      }
    });
  }
  return warnings;
}

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

// ---------------------------------------------------------------- validate/dependencies

/**
 * The graph of a `POST /validate/dependencies` document, in either of its shapes: lists
 * (`{"db": ["network"]}`) or the seed's objects (`{"db": {"dependencies": ["network"]}}`).
 */
export function dependencyGraphOf(
  stacks:
    | Readonly<Record<string, readonly string[]>>
    | Readonly<Record<string, { dependencies: readonly string[] }>>,
): DependencyGraph {
  return Object.fromEntries(
    Object.entries(stacks).map(
      ([name, value]: [string, readonly string[] | { dependencies: readonly string[] }]) => [
        name,
        Array.isArray(value) ? value : (value as { dependencies: readonly string[] }).dependencies,
      ],
    ),
  );
}

/** Layers of a dependency graph, or its missing dependencies and/or one cycle, named. */
export function validateDependencies(graph: DependencyGraph): DependencyValidationValue {
  const missing = findMissingDependencies(graph);
  const cycle = findCycle(graph);
  if (missing.length === 0 && cycle === null) return { valid: true, layers: computeLayers(graph) };
  const messages = [
    ...(missing.length
      ? [`unknown dependencies: ${missing.map((m) => `${m.stack} → ${m.dependency}`).join(', ')}`]
      : []),
    ...(cycle ? [`dependency cycle: ${cycle.join(' → ')}`] : []),
  ];
  return {
    valid: false,
    message: messages.join('; '),
    ...(cycle ? { cycle } : {}),
    ...(missing.length ? { missing } : {}),
  };
}

// ---------------------------------------------------------------- validate/aws

/** How many VPCs an account already uses in a region (live environments with a `network` stack). */
export type VpcUsageReader = (accountId: string, region: string) => Promise<number>;

/**
 * Service quotas the check reports (AWS defaults). VPCs are counted by the platform; each
 * `network` stack also holds one Elastic IP and one NAT gateway, so those usages are the
 * same count (NAT gateways are limited per availability zone in AWS; counting them per
 * region is the conservative reading). The others are static: the simulation does not
 * track them.
 */
export const QUOTA_LIMITS = {
  vpcs: 5,
  elastic_ips: 5,
  nat_gateways: 5,
  rds_instances: 40,
  eks_clusters: 100,
} as const;

/**
 * Simulated permission failures: the provisioning role of an account whose id starts with
 * this prefix may not create IAM roles, so `permissions` fails (every other account passes).
 */
export const DENIED_ACCOUNT_PREFIX = '000';

/** Regions that must be enabled in an account before use (launched after March 2019). */
export const OPT_IN_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-west-1',
  'eu-central-2',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
];

/** IAM service prefixes of the CloudFormation namespaces the catalog uses (default: lowercased). */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  CertificateManager: 'acm',
  Cognito: 'cognito-idp',
  ElasticLoadBalancingV2: 'elasticloadbalancing',
};

/** The IAM service prefixes a set of stacks needs, sorted. */
export function requiredServices(stacks: readonly string[]): string[] {
  const services = new Set<string>(['cloudformation']);
  for (const stack of stacks) {
    for (const type of getStackDefinition(stack)?.resourceTypes ?? []) {
      const namespace = type.split('::')[1] ?? '';
      services.add(IAM_PREFIX[namespace] ?? namespace.toLowerCase());
    }
  }
  return [...services].sort(byName);
}

const check = (
  name: string,
  status: AwsCheckStatusValue,
  message: string,
  extra: Pick<AwsCheckValue, 'limit' | 'usage' | 'required'> = {},
): AwsCheckValue => ({ name, status, message, ...extra });

/** pass / warn (the last one) / fail (over the limit), for `required` more on top of `usage`. */
function quotaCheck(
  name: string,
  noun: string,
  scope: string,
  limit: number,
  usage: number,
  required: number,
): AwsCheckValue {
  const extra = { limit, usage, required };
  const inUse = `${usage} of ${limit} ${noun} in use ${scope}`;
  if (required === 0) return check(name, 'pass', `${inUse}; this template needs none`, extra);
  if (usage + required > limit) {
    return check(
      name,
      'fail',
      `${inUse}: no room for the ${required} this template needs; destroy an environment first`,
      extra,
    );
  }
  if (usage + required === limit) {
    return check(name, 'warn', `${inUse}: this environment would take the last one`, extra);
  }
  return check(name, 'pass', `${inUse}; this template needs ${required}`, extra);
}

function staticQuotaCheck(name: string, noun: string, scope: string, limit: number): AwsCheckValue {
  return check(
    name,
    'pass',
    `needs 1 of the ${limit} ${noun} allowed ${scope} (usage is not tracked by the simulation)`,
    { limit, required: 1 },
  );
}

/**
 * Simulated pre-flight checks of an AWS target: account id format, region, template,
 * parameters, credentials, permissions (see {@link DENIED_ACCOUNT_PREFIX}) and quotas with
 * current usage. Checks that need a valid account and region (credentials, permissions,
 * quotas) run only when both are valid; quotas also need a known template.
 * `valid` is false when any check fails; warnings do not invalidate.
 */
export async function validateAws(
  input: ValidateAwsInput,
  readVpcUsage: VpcUsageReader,
): Promise<AwsValidationValue> {
  const checks: AwsCheckValue[] = [];
  const { account_id: accountId, region } = input;

  const accountOk = ACCOUNT_ID_PATTERN.test(accountId);
  checks.push(
    accountOk
      ? check('account_id_format', 'pass', `${accountId} is a 12-digit AWS account id`)
      : check('account_id_format', 'fail', `'${accountId}' is not a 12-digit AWS account id`),
  );

  const regionOk = isRegion(region);
  if (!regionOk) {
    checks.push(check('region', 'fail', `'${region}' is not a commercial AWS region (e.g. us-east-1)`));
  } else if (OPT_IN_REGIONS.includes(region)) {
    checks.push(
      check('region', 'warn', `${region} is an opt-in region: it must be enabled in the account before use`),
    );
  } else {
    checks.push(check('region', 'pass', `${region} is a commercial AWS region`));
  }

  const template = getTemplate(input.template);
  checks.push(
    template
      ? check(
          'template',
          'pass',
          `template '${template.name}' v${template.version}: ${template.stacks.length} stacks in ${template.layers.length} layers`,
        )
      : check('template', 'fail', `unknown template '${input.template}'; available: ${templateNames()}`),
  );
  const stacks = template ? template.stacks.map((s) => s.name) : [];

  const parameters = parseParameters(input.parameters);
  if (!parameters.ok) {
    checks.push(
      check('parameters', 'fail', parameters.errors.map((e) => `${e.field}: ${e.message}`).join('; ')),
    );
  } else {
    const warnings = parameterWarnings(parameters.value, template ? stacks : undefined);
    if (warnings.length > 0) {
      checks.push(check('parameters', 'warn', warnings.map((w) => `${w.field}: ${w.message}`).join('; ')));
    } else {
      checks.push(
        check(
          'parameters',
          'pass',
          input.parameters === undefined
            ? 'no parameters given: the defaults apply'
            : 'the parameters are valid',
        ),
      );
    }
  }

  if (!accountOk || !regionOk) return { valid: false, checks };

  const role = `arn:aws:iam::${accountId}:role/environment-provisioner`;
  checks.push(check('credentials', 'pass', `assumed ${role} (simulated)`));
  if (accountId.startsWith(DENIED_ACCOUNT_PREFIX)) {
    checks.push(
      check(
        'permissions',
        'fail',
        `iam:CreateRole denied for ${role} (simulated: accounts whose id starts with ${DENIED_ACCOUNT_PREFIX} lack IAM permissions)`,
      ),
    );
  } else {
    const services = requiredServices(stacks);
    checks.push(
      check(
        'permissions',
        'pass',
        `${role} may create what the template needs in: ${services.join(', ')} (simulated)`,
      ),
    );
  }

  if (template) {
    const usage = await readVpcUsage(accountId, region);
    const networks = stacks.includes('network') ? 1 : 0;
    const scope = `in ${accountId} ${region}`;
    checks.push(quotaCheck('quota:vpcs', 'VPCs', scope, QUOTA_LIMITS.vpcs, usage, networks));
    checks.push(
      quotaCheck('quota:elastic_ips', 'Elastic IPs', scope, QUOTA_LIMITS.elastic_ips, usage, networks),
    );
    checks.push(
      quotaCheck('quota:nat_gateways', 'NAT gateways', scope, QUOTA_LIMITS.nat_gateways, usage, networks),
    );
    if (stacks.includes('database-rds')) {
      checks.push(staticQuotaCheck('quota:rds_instances', 'DB instances', scope, QUOTA_LIMITS.rds_instances));
    }
    if (stacks.includes('services-eks')) {
      checks.push(staticQuotaCheck('quota:eks_clusters', 'EKS clusters', scope, QUOTA_LIMITS.eks_clusters));
    }
  }

  return { valid: !checks.some((c) => c.status === 'fail'), checks };
}
