import { describe, expect, it, vi } from 'vitest';
import { STACK_CATALOG } from '../../../functions/domain/stacks/registry.ts';
import { estimateStackMonthlyCost, getTemplate, type Template } from '../../../functions/domain/templates.ts';
import { estimateProvisioningDuration, renderManifest } from '../../../functions/domain/validation/render.ts';
import { validateAws } from '../../../functions/domain/validation/validate-aws.ts';
import { validateDependencies } from '../../../functions/domain/validation/validate-dependencies.ts';
import { validateManifest } from '../../../functions/domain/validation/validate-manifest.ts';
// The schemas the routes serve these documents with, under their former (HTTP) names.
import {
  RenderedManifest as Manifest,
  ValidateDependenciesInput as ValidateDependenciesRequest,
  ValidateManifestInput as ValidateManifestRequest,
} from '../../../functions/domain/validation-documents.ts';

const DEFAULTS = { region: 'us-east-1', accountId: '111111111111' };

function template(name: string): Template {
  const t = getTemplate(name);
  if (!t) throw new Error(`no template ${name}`);
  return t;
}

const durationOf = (stack: string) => STACK_CATALOG[stack]?.durationSeconds ?? { min: 0, max: 0 };

describe('estimateProvisioningDuration', () => {
  it('sums, layer by layer, the slowest stack of each layer (the workflow waits for whole layers)', () => {
    const layers = [
      ['network', 'secrets', 'services-ecr'],
      ['dns', 'security'],
    ];
    const slowest = (layer: string[], bound: 'min' | 'max') =>
      Math.max(...layer.map((s) => durationOf(s)[bound]));
    const expectedMin = layers.reduce((sum, layer) => sum + slowest(layer, 'min'), 0);
    const expectedMax = layers.reduce((sum, layer) => sum + slowest(layer, 'max'), 0);
    const result = estimateProvisioningDuration(layers);
    expect(result.min).toBe(expectedMin);
    expect(result.max).toBe(expectedMax);
    // dns (90–240 s) is slower than security (20–45 s)
    expect(result.criticalPath[1]).toBe('dns');
  });

  it('is zero for no layers', () => {
    expect(estimateProvisioningDuration([])).toEqual({ min: 0, max: 0, criticalPath: [] });
  });
});

describe('renderManifest', () => {
  it('renders the default template: 16 stacks in 5 layers, totals that add up', () => {
    const manifest = renderManifest(template('default'), {}, DEFAULTS);
    expect(Manifest.safeParse(manifest).success).toBe(true);
    expect(manifest.template).toBe('default');
    expect(manifest.stacks).toHaveLength(16);
    expect(manifest.layers).toHaveLength(5);
    expect(manifest.layers.flat().sort()).toEqual(manifest.stacks.map((s) => s.name).sort());
    const sum = manifest.stacks.reduce((total, s) => total + s.estimated_monthly_cost_usd, 0);
    expect(manifest.estimated_monthly_cost_usd).toBeCloseTo(sum, 2);
    expect(manifest.estimated_monthly_cost_usd).toBeGreaterThan(0);
    const expected = estimateProvisioningDuration(manifest.layers);
    expect(manifest.estimated_duration_seconds).toEqual({ min: expected.min, max: expected.max });
    expect(manifest.critical_path).toHaveLength(5);
    // Each stack's layer is above its dependencies' layers.
    const layerOf = Object.fromEntries(manifest.stacks.map((s) => [s.name, s.layer]));
    for (const stack of manifest.stacks) {
      for (const dep of stack.depends_on) expect(layerOf[dep]).toBeLessThan(stack.layer);
    }
  });

  it('resolves the defaults: parameters, domain from the names, region and account', () => {
    const manifest = renderManifest(template('minimal'), {}, DEFAULTS);
    expect(manifest.parameters).toEqual({
      domain: 'env.project.example.dev',
      vpc_cidr: '10.0.0.0/16',
      instance_type: 't3.micro',
      db_instance_class: 'db.t3.micro',
      db_engine: 'postgres',
      storage_gb: 20,
    });
    expect(manifest).toMatchObject({ region: 'us-east-1', account_id: '111111111111', version: '1.0.0' });
    expect(manifest.stacks).toHaveLength(8);

    const named = renderManifest(
      template('minimal'),
      {
        environment_name: 'preview-pr-1',
        project_name: 'Payments API',
        region: 'eu-west-1',
        account_id: '222222222222',
      },
      DEFAULTS,
    );
    expect(named.parameters.domain).toBe('preview-pr-1.payments-api.example.dev');
    expect(named).toMatchObject({ region: 'eu-west-1', account_id: '222222222222' });
  });

  it('prices the stacks with the given parameters', () => {
    const manifest = renderManifest(
      template('default'),
      { parameters: { storage_gb: 100, simulate: { failure_rate: 0.5 } } },
      DEFAULTS,
    );
    const database = manifest.stacks.find((s) => s.name === 'database-rds');
    expect(database?.estimated_monthly_cost_usd).toBe(
      estimateStackMonthlyCost('database-rds', { ...manifest.parameters, storage_gb: 100 }),
    );
    const cheaper = renderManifest(template('default'), {}, DEFAULTS);
    expect(manifest.estimated_monthly_cost_usd).toBeGreaterThan(cheaper.estimated_monthly_cost_usd);
    expect(manifest.parameters.storage_gb).toBe(100);
    expect(manifest.parameters.simulate).toEqual({ failure_rate: 0.5 });
  });
});

describe('validateManifest', () => {
  it('accepts the built-in templates with no errors and no warnings', () => {
    for (const name of ['default', 'minimal']) {
      expect(validateManifest({ template: name })).toEqual({ valid: true, errors: [], warnings: [] });
    }
  });

  it('accepts a rendered manifest as is', () => {
    const rendered = renderManifest(template('default'), { parameters: { storage_gb: 30 } }, DEFAULTS);
    const document = ValidateManifestRequest.parse(JSON.parse(JSON.stringify(rendered)));
    expect(validateManifest(document)).toEqual({ valid: true, errors: [], warnings: [] });
  });

  it('names an unknown template', () => {
    const result = validateManifest({ template: 'huge' });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      { field: 'template', message: "unknown template 'huge'; available: default, minimal" },
    ]);
  });

  it('lists every parameter problem, with its field', () => {
    const result = validateManifest({
      template: 'default',
      parameters: { storage_gb: 0, instance_type: 'm5.large', colour: 'blue' },
    });
    expect(result.valid).toBe(false);
    const fields = result.errors.map((e) => e.field).sort();
    expect(fields).toEqual(['parameters.colour', 'parameters.instance_type', 'parameters.storage_gb']);
    expect(result.errors).toContainEqual({ field: 'parameters.colour', message: 'unknown parameter' });
  });

  it('checks the region and account id formats', () => {
    const result = validateManifest({ template: 'minimal', region: 'moon-1', account_id: '1234' });
    expect(result.errors.map((e) => e.field)).toEqual(['region', 'account_id']);
  });

  it('warns about costly storage and injected failures', () => {
    const result = validateManifest({
      template: 'minimal',
      parameters: {
        storage_gb: 80,
        simulate: { failure_rate: 0.1, fail_stacks: ['database-rds', 'services-eks'] },
      },
    });
    expect(result.valid).toBe(true);
    const fields = result.warnings.map((w) => w.field);
    expect(fields).toEqual([
      'parameters.storage_gb',
      'parameters.simulate.failure_rate',
      'parameters.simulate.fail_stacks',
      'parameters.simulate.fail_stacks.1',
    ]);
    expect(result.warnings[0]?.message).toMatch(/costly for a sandbox/);
    expect(result.warnings[1]?.message).toMatch(/failures will be injected/);
    expect(result.warnings[3]?.message).toMatch(/'services-eks' is not a stack of this environment/);
  });

  describe('with a custom stack graph', () => {
    it('names a cycle as a closed path', () => {
      const result = validateManifest({
        template: 'minimal',
        stacks: [
          { name: 'network', depends_on: ['monitoring'] },
          { name: 'monitoring', depends_on: ['network'] },
        ],
      });
      expect(result.valid).toBe(false);
      expect(result.errors).toEqual([
        { field: 'stacks', message: 'dependency cycle: monitoring → network → monitoring' },
      ]);
    });

    it('names missing dependencies, unknown and duplicate stacks by position', () => {
      const result = validateManifest({
        template: 'default',
        stacks: [
          { name: 'network', depends_on: [] },
          { name: 'database-rds', depends_on: ['network', 'security'] },
          { name: 'quantum-db', depends_on: [] },
          { name: 'network', depends_on: [] },
        ],
      });
      expect(result.valid).toBe(false);
      expect(result.errors).toEqual(
        expect.arrayContaining([
          { field: 'stacks.3.name', message: "duplicate stack 'network' (see stacks.0)" },
          expect.objectContaining({
            field: 'stacks.2.name',
            message: expect.stringMatching(/unknown stack 'quantum-db'/),
          }),
          {
            field: 'stacks.1.depends_on.1',
            message: "'database-rds' depends on 'security', which is not a stack of this manifest",
          },
        ]),
      );
      expect(result.errors).toHaveLength(3);
    });

    it('warns when the graph differs from the template, drops catalog dependencies or leaves a support stack unused', () => {
      const result = validateManifest({
        template: 'minimal',
        stacks: [
          { name: 'network', depends_on: [] },
          { name: 'security', depends_on: [] },
          { name: 'services-ecr', depends_on: [] },
        ],
      });
      expect(result).toMatchObject({ valid: true, errors: [] });
      expect(result.warnings).toEqual([
        {
          field: 'stacks',
          message:
            "replaces the dependency graph of template 'minimal': adds services-ecr; " +
            'removes compute-lambda, database-rds, dns, monitoring, secrets, storage; ' +
            'changes the dependencies of security',
        },
        {
          field: 'stacks.1.depends_on',
          message: "'security' normally depends on network (it consumes their outputs)",
        },
        {
          field: 'stacks.2',
          message: "nothing depends on 'services-ecr', which only serves 'services-ecs': it is unused",
        },
      ]);
    });

    it('ignores stale layers, with a warning', () => {
      const result = validateManifest({
        template: 'minimal',
        stacks: [
          { name: 'network', depends_on: [] },
          { name: 'security', depends_on: ['network'] },
        ],
        layers: [['network', 'security']],
      });
      expect(result.valid).toBe(true);
      expect(result.warnings.map((w) => w.field)).toEqual(['stacks', 'layers']);
    });
  });
});

describe('validateDependencies', () => {
  it('layers a valid graph', () => {
    expect(validateDependencies({ api: ['db', 'net'], db: ['net'], net: [], logs: [] })).toEqual({
      valid: true,
      layers: [['logs', 'net'], ['db'], ['api']],
    });
  });

  it('names a cycle as a closed path', () => {
    const result = validateDependencies({ a: ['b'], b: ['c'], c: ['a'], d: [] });
    expect(result).toMatchObject({ valid: false, cycle: ['a', 'b', 'c', 'a'] });
    expect(result).not.toHaveProperty('missing');
    expect(validateDependencies({ a: ['a'] })).toMatchObject({ valid: false, cycle: ['a', 'a'] });
  });

  it('names the missing dependencies', () => {
    const result = validateDependencies({ app: ['db', 'cache'], db: ['net'] });
    expect(result).toEqual({
      valid: false,
      message: 'unknown dependencies: app → cache, db → net',
      missing: [
        { stack: 'app', dependency: 'cache' },
        { stack: 'db', dependency: 'net' },
      ],
    });
  });

  it('reports both a cycle and missing dependencies', () => {
    const result = validateDependencies({ a: ['b', 'ghost'], b: ['a'] });
    expect(result).toMatchObject({
      valid: false,
      cycle: ['a', 'b', 'a'],
      missing: [{ stack: 'a', dependency: 'ghost' }],
    });
  });

  it('bounds the request: at most 100 stacks, stack-like names', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`s${i}`, []]));
    expect(ValidateDependenciesRequest.safeParse({ stacks: many }).success).toBe(false);
    expect(ValidateDependenciesRequest.safeParse({ stacks: { 'Bad Name': [] } }).success).toBe(false);
    expect(ValidateDependenciesRequest.safeParse({ stacks: { a: ['B!'] } }).success).toBe(false);
    expect(ValidateDependenciesRequest.safeParse({ stacks: {} }).success).toBe(false);
    expect(ValidateDependenciesRequest.safeParse({ stacks: { constructor: [] } }).success).toBe(true);
  });
});

describe('validateAws', () => {
  const input = { account_id: '111111111111', region: 'us-east-1', template: 'default' };
  const usage = (n: number) => vi.fn(async () => n);

  it('passes every check for a valid target with room left', async () => {
    const read = usage(2);
    const result = await validateAws(input, read);
    expect(result.valid).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual([
      'account_id_format',
      'region',
      'template',
      'parameters',
      'credentials',
      'permissions',
      'quota:vpcs',
      'quota:elastic_ips',
      'quota:nat_gateways',
      'quota:rds_instances',
      'quota:eks_clusters',
    ]);
    expect(result.checks.every((c) => c.status === 'pass')).toBe(true);
    expect(result.checks.find((c) => c.name === 'quota:vpcs')).toMatchObject({
      limit: 5,
      usage: 2,
      required: 1,
    });
    expect(read).toHaveBeenCalledWith('111111111111', 'us-east-1');
  });

  it('warns when the environment would take the last VPC, and fails when none is left', async () => {
    const warn = await validateAws(input, usage(4));
    expect(warn.valid).toBe(true);
    expect(warn.checks.find((c) => c.name === 'quota:vpcs')).toMatchObject({ status: 'warn', usage: 4 });

    const full = await validateAws(input, usage(5));
    expect(full.valid).toBe(false);
    const vpcs = full.checks.find((c) => c.name === 'quota:vpcs');
    expect(vpcs).toMatchObject({ status: 'fail', limit: 5, usage: 5, required: 1 });
    expect(vpcs?.message).toMatch(/5 of 5 VPCs in use/);
  });

  it('fails the formats and skips the checks that need a valid target', async () => {
    const read = usage(0);
    const result = await validateAws(
      { account_id: '12345', region: 'mars-north-1', template: 'default' },
      read,
    );
    expect(result.valid).toBe(false);
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['account_id_format', 'fail'],
      ['region', 'fail'],
      ['template', 'pass'],
      ['parameters', 'pass'],
    ]);
    expect(read).not.toHaveBeenCalled();
  });

  it('denies IAM to accounts whose id starts with 000 (the documented sentinel)', async () => {
    const result = await validateAws({ ...input, account_id: '000123456789' }, usage(0));
    expect(result.valid).toBe(false);
    const permissions = result.checks.find((c) => c.name === 'permissions');
    expect(permissions?.status).toBe('fail');
    expect(permissions?.message).toMatch(/iam:CreateRole denied/);
  });

  it('reports an unknown template and bad parameters, and reads no quota without a template', async () => {
    const read = usage(0);
    const result = await validateAws({ ...input, template: 'nope', parameters: { storage_gb: 1000 } }, read);
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'template')?.status).toBe('fail');
    const parameters = result.checks.find((c) => c.name === 'parameters');
    expect(parameters).toMatchObject({ status: 'fail' });
    expect(parameters?.message).toMatch(/^parameters\.storage_gb: /);
    expect(result.checks.some((c) => c.name.startsWith('quota:'))).toBe(false);
    expect(read).not.toHaveBeenCalled();
  });

  it('warns about opt-in regions and costly parameters without failing', async () => {
    const result = await validateAws(
      { ...input, region: 'af-south-1', template: 'minimal', parameters: { storage_gb: 90 } },
      usage(0),
    );
    expect(result.valid).toBe(true);
    expect(result.checks.find((c) => c.name === 'region')?.status).toBe('warn');
    expect(result.checks.find((c) => c.name === 'parameters')?.status).toBe('warn');
    expect(result.checks.some((c) => c.name === 'quota:eks_clusters')).toBe(false);
  });
});
