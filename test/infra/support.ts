/**
 * Shared setup of the infra tests: the app as `bin/app.ts` builds it (same stacks, same
 * `cdk.json` context, optionally cdk-nag's AwsSolutions checks), synthesized once per test
 * file with esbuild bundling skipped ({@link useSynthesizedApp} registers that), plus small
 * readers for the synthesized templates and for the validation report cdk-nag 3 writes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource as CdkCfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll } from 'vitest';
import { ApiStack } from '../../lib/api-stack.ts';
import { repoPath } from '../../lib/paths.ts';
import { StatefulStack } from '../../lib/stateful-stack.ts';

/** A CloudFormation resource as it appears in a synthesized template. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
}

/** One finding of a validation plugin (cdk-nag, or CDK's own annotations and checks). */
export interface Finding {
  plugin: string;
  rule: string;
  severity: string;
  constructPaths: string[];
}

/** A synthesized app and what the validation plugins reported about it. */
export interface SynthesizedApp {
  app: App;
  stateful: StatefulStack;
  api: ApiStack;
  statefulTemplate: Template;
  apiTemplate: Template;
  findings: Finding[];
  /** Removes the temporary cloud assembly directory. */
  cleanup: () => void;
}

/** The context of `cdk.json` (feature flags, `simulationTimeScale`), as the CLI passes it. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * A fresh app with the `cdk.json` context, writing to a temporary directory.
 * Bundling is skipped (`aws:cdk:bundling-stacks: []`), and validation failures are
 * only reported (not thrown) so a test can list every finding.
 */
export function newTestApp(): App {
  return new App({
    outdir: mkdtempSync(join(tmpdir(), 'infra-test-')),
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:failSynthOnValidationErrors': false,
    },
  });
}

interface ValidationReport {
  pluginReports?: {
    pluginName: string;
    violations?: { ruleName: string; severity: string; violatingConstructs?: { constructPath?: string }[] }[];
  }[];
}

/** Synthesize `app` and read every validation finding from its `validation-report.json`. */
export function synthesizeWithFindings(app: App): Finding[] {
  const assembly = app.synth();
  let report: ValidationReport;
  try {
    report = JSON.parse(
      readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
  } catch {
    // No plugin ran (none registered): nothing to report.
    return [];
  }
  return (report.pluginReports ?? []).flatMap((plugin) =>
    (plugin.violations ?? []).map((violation) => ({
      plugin: plugin.pluginName,
      rule: violation.ruleName,
      severity: violation.severity,
      constructPaths: (violation.violatingConstructs ?? []).map((c) => c.constructPath ?? '?'),
    })),
  );
}

/**
 * Build the app as `bin/app.ts` does, synthesize it once, and collect the findings.
 * cdk-nag's checks take most of a synth's time, so only the cdk-nag test asks for them.
 */
export function synthesizeApp(options: { nag?: boolean } = {}): SynthesizedApp {
  const app = newTestApp();
  const stateful = new StatefulStack(app, 'EnvProvisioning-Stateful');
  const api = new ApiStack(app, 'EnvProvisioning-Api', { table: stateful.table });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  const findings = synthesizeWithFindings(app);
  return {
    app,
    stateful,
    api,
    // Both stacks are already synthesized: these read the same assembly.
    statefulTemplate: Template.fromStack(stateful),
    apiTemplate: Template.fromStack(api),
    findings,
    cleanup: () => rmSync(app.outdir, { recursive: true, force: true }),
  };
}

const resourcesCache = new WeakMap<Template, Record<string, CfnResource>>();

/** The template's resources of one type, by logical id (a plain filter: `findResources` is slow). */
export function resourcesOfType(template: Template, type: string): Record<string, CfnResource> {
  let resources = resourcesCache.get(template);
  if (!resources) {
    resources = (template.toJSON() as { Resources: Record<string, CfnResource> }).Resources;
    resourcesCache.set(template, resources);
  }
  return Object.fromEntries(Object.entries(resources).filter(([, r]) => r.Type === type));
}

/** `{ Ref: id }` → id; `{ 'Fn::GetAtt': [id, attr] }` → id; anything else → undefined. */
export function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref === 'string') return ref;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** Every logical id referenced anywhere inside `value` (Ref and Fn::GetAtt; not `AWS::…` pseudo parameters). */
export function referencedIds(value: unknown): Set<string> {
  const ids = new Set<string>();
  const visit = (node: unknown): void => {
    const id = referencedId(node);
    if (id && !id.startsWith('AWS::')) ids.add(id);
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) Object.values(node).forEach(visit);
  };
  visit(value);
  return ids;
}

/** An IAM statement as CDK renders it. */
export interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of every `AWS::IAM::Policy` attached to the role `roleId`. */
export function statementsOfRole(template: Template, roleId: string): PolicyStatement[] {
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((policy) =>
      (policy.Properties?.Roles as unknown[] | undefined)?.some((r) => referencedId(r) === roleId),
    )
    .flatMap(
      (policy) =>
        (policy.Properties?.PolicyDocument as { Statement: PolicyStatement[] } | undefined)?.Statement ?? [],
    );
}

/** The actions of a list of statements, flattened. */
export function actionsOf(statements: PolicyStatement[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/**
 * Every `AWS::ApiGateway::Method` by `METHOD /path`, the path rebuilt from the template's
 * resource tree (so the mapping does not rely on the construct code under test).
 * Throws on two methods for the same route.
 */
export function routeMethods(template: Template): Map<string, CfnResource> {
  const resources = resourcesOfType(template, 'AWS::ApiGateway::Resource');
  const pathOf = (resourceId: unknown): string => {
    const id = referencedId(resourceId);
    const resource = id === undefined ? undefined : resources[id];
    // The root resource is referenced with Fn::GetAtt [api, RootResourceId].
    if (!resource) return '';
    const props = resource.Properties ?? {};
    return `${pathOf(props.ParentId)}/${String(props.PathPart)}`;
  };
  const methods = new Map<string, CfnResource>();
  for (const method of Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method'))) {
    const props = method.Properties ?? {};
    const key = `${String(props.HttpMethod)} ${pathOf(props.ResourceId) || '/'}`;
    if (methods.has(key)) throw new Error(`Two methods for ${key}`);
    methods.set(key, method);
  }
  return methods;
}

/** Logical id of the Lambda function a proxy method integrates with. */
export function integratedFunctionId(method: CfnResource): string {
  const integration = method.Properties?.Integration as { Uri?: unknown } | undefined;
  const ids = [...referencedIds(integration?.Uri)];
  if (ids.length !== 1 || ids[0] === undefined) throw new Error(`Integration of ${JSON.stringify(method)}`);
  return ids[0];
}

/** The CloudFormation logical id of a construct's main resource. */
export function logicalId(construct: IConstruct | undefined): string {
  // `undefined` is what a lookup by name (a map of state machines, a child id) finds for a wrong name.
  if (!construct) throw new Error('No construct to take the logical id of');
  const cfn = construct.node.defaultChild;
  if (!(cfn instanceof CdkCfnResource))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(cfn).getLogicalId(cfn);
}

/**
 * The synthesized app of one test file, read through {@link useSynthesizedApp}. Lookups
 * are in the API stack's template (the stateful stack holds the table only).
 */
export interface SynthesizedAppFixture extends Omit<SynthesizedApp, 'cleanup'> {
  /** The API template's resources of `type`, by logical id. */
  resourcesOfType(type: string): Record<string, CfnResource>;
  /** The API template's resource `id` of `type`; throws when there is none. */
  resource(type: string, id: string): CfnResource;
  /** The API template's only resource of `type`, with its logical id; throws unless exactly one. */
  only(type: string): [id: string, resource: CfnResource];
  /** Every statement of the policies attached to the API template's role `roleId`. */
  statementsOfRole(roleId: string): PolicyStatement[];
}

/**
 * Synthesizes the app once for the calling test file (in `beforeAll`, removing its
 * assembly in `afterAll`) and returns accessors to read it from tests and hooks.
 * A synth takes seconds (cdk-nag's checks most of them), so it is shared by a file's tests,
 * which only read it.
 */
export function useSynthesizedApp(options: { nag?: boolean } = {}): SynthesizedAppFixture {
  let synth: SynthesizedApp | undefined;
  beforeAll(() => {
    synth = synthesizeApp(options);
  }, 120_000);
  afterAll(() => synth?.cleanup());

  const current = (): SynthesizedApp => {
    // Reading at collection time (in a describe body) would read nothing: fail loudly.
    if (!synth) throw new Error('The app is synthesized in beforeAll: read it inside a test or a hook');
    return synth;
  };
  const resourcesOfApiType = (type: string) => resourcesOfType(current().apiTemplate, type);
  return {
    get app() {
      return current().app;
    },
    get stateful() {
      return current().stateful;
    },
    get api() {
      return current().api;
    },
    get statefulTemplate() {
      return current().statefulTemplate;
    },
    get apiTemplate() {
      return current().apiTemplate;
    },
    get findings() {
      return current().findings;
    },
    resourcesOfType: resourcesOfApiType,
    resource(type, id) {
      const found = resourcesOfApiType(type)[id];
      if (!found) throw new Error(`No ${type} ${id}`);
      return found;
    },
    only(type) {
      const entries = Object.entries(resourcesOfApiType(type));
      const [entry] = entries;
      if (entries.length !== 1 || !entry) throw new Error(`${entries.length} resources of ${type}, not one`);
      return entry;
    },
    statementsOfRole: (roleId) => statementsOfRole(current().apiTemplate, roleId),
  };
}
