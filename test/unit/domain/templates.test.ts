import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layerNumbers } from '../../../functions/domain/graph.ts';
import {
  PARAMETER_DOCS,
  type ResolvedParameters,
  resolveParameters,
  TemplateParameters,
} from '../../../functions/domain/parameters.ts';
import { STACK_CATALOG, STACK_NAMES } from '../../../functions/domain/stacks/registry.ts';
import {
  estimateMonthlyCost,
  estimateStackMonthlyCost,
  getTemplate,
  listTemplates,
} from '../../../functions/domain/templates.ts';

const DEFAULTS: ResolvedParameters = {
  domain: 'dev.shop.example.dev',
  vpc_cidr: '10.0.0.0/16',
  instance_type: 't3.micro',
  db_instance_class: 'db.t3.micro',
  db_engine: 'postgres',
  storage_gb: 20,
};

/** The default graph, as written in DESIGN.md §4. */
const DESIGN_GRAPH: Record<string, string[]> = {
  network: [],
  security: ['network'],
  dns: ['network'],
  secrets: [],
  authentication: ['security'],
  storage: ['security'],
  'database-rds': ['network', 'security'],
  'containers-images': ['authentication'],
  'containers-apps': ['network', 'security', 'storage', 'containers-images'],
  'services-ecr': [],
  'services-ecs': ['network', 'security', 'services-ecr'],
  'services-eks': ['network', 'security'],
  'services-api': ['network', 'security', 'database-rds'],
  'compute-ec2': ['network', 'security'],
  'compute-lambda': ['network', 'security'],
  monitoring: ['network'],
};

describe('catalog', () => {
  it('has the 16 stacks of the design, with its dependencies', () => {
    expect(STACK_NAMES).toHaveLength(16);
    for (const [name, deps] of Object.entries(DESIGN_GRAPH)) {
      expect(STACK_CATALOG[name]?.dependsOn).toEqual(deps);
    }
  });

  it('gives each stack resources, outputs and sane duration ranges', () => {
    for (const definition of Object.values(STACK_CATALOG)) {
      expect(definition.resources.length).toBeGreaterThan(0);
      expect(definition.outputs.length).toBeGreaterThan(0);
      expect(definition.resourceTypes).toEqual([...new Set(definition.resources.map((r) => r.type))]);
      for (const range of [definition.durationSeconds, definition.destroyDurationSeconds]) {
        expect(range.min).toBeGreaterThan(0);
        expect(range.max).toBeGreaterThanOrEqual(range.min);
      }
    }
    expect(STACK_CATALOG['database-rds']?.durationSeconds).toEqual({ min: 300, max: 480 });
    expect(STACK_CATALOG['services-eks']?.durationSeconds).toEqual({ min: 600, max: 900 });
  });
});

describe('templates', () => {
  it('lists default then minimal', () => {
    expect(listTemplates().map((t) => t.name)).toEqual(['default', 'minimal']);
  });

  it('computes five layers for default, each stack one above its deepest dependency', () => {
    const template = getTemplate('default');

    expect(template?.layers).toEqual([
      ['network', 'secrets', 'services-ecr'],
      ['dns', 'monitoring', 'security'],
      [
        'authentication',
        'compute-ec2',
        'compute-lambda',
        'database-rds',
        'services-ecs',
        'services-eks',
        'storage',
      ],
      ['containers-images', 'services-api'],
      ['containers-apps'],
    ]);
    const layerOf = layerNumbers(template?.layers ?? []);
    for (const stack of template?.stacks ?? []) {
      const depLayers = stack.dependsOn.map((d) => layerOf[d] as number);
      for (const depLayer of depLayers) expect(stack.layer).toBeGreaterThan(depLayer);
      expect(stack.layer).toBe(1 + Math.max(0, ...depLayers));
    }
  });

  it('describes every stack of default, in layer order then name', () => {
    const template = getTemplate('default');

    expect(template?.stacks.map((s) => s.name)).toEqual(template?.layers.flat());
    expect(template?.graph).toEqual(DESIGN_GRAPH);
    const rds = template?.stacks.find((s) => s.name === 'database-rds');
    expect(rds).toMatchObject({
      layer: 3,
      dependsOn: ['network', 'security'],
      durationSeconds: { min: 300, max: 480 },
    });
    expect(rds?.resourceTypes).toContain('AWS::RDS::DBInstance');
    expect(rds?.estimatedMonthlyCostUsd).toBeCloseTo(12.41 + 20 * 0.115, 2);
  });

  it('restricts minimal to its 8 stacks and the edges between them', () => {
    const template = getTemplate('minimal');

    expect(Object.keys(template?.graph ?? {}).sort()).toEqual(
      [
        'compute-lambda',
        'database-rds',
        'dns',
        'monitoring',
        'network',
        'secrets',
        'security',
        'storage',
      ].sort(),
    );
    expect(template?.graph).toEqual({
      'compute-lambda': ['network', 'security'],
      'database-rds': ['network', 'security'],
      dns: ['network'],
      monitoring: ['network'],
      network: [],
      secrets: [],
      security: ['network'],
      storage: ['security'],
    });
    expect(template?.layers).toEqual([
      ['network', 'secrets'],
      ['dns', 'monitoring', 'security'],
      ['compute-lambda', 'database-rds', 'storage'],
    ]);
  });

  it('returns undefined for an unknown template, including Object.prototype names', () => {
    expect(getTemplate('nope')).toBeUndefined();
    expect(getTemplate('constructor')).toBeUndefined();
  });

  it('returns fresh objects, so a caller cannot corrupt the built-ins', () => {
    const first = getTemplate('default');
    first?.layers.pop();
    first?.stacks[0]?.dependsOn.push('ghost');

    expect(getTemplate('default')?.layers).toHaveLength(5);
    expect(getTemplate('default')?.stacks[0]?.dependsOn).toEqual([]);
  });
});

describe('resolveParameters', () => {
  it('fills every default, deriving the domain from the environment and project names', () => {
    const resolved = resolveParameters(
      {},
      { environmentName: 'preview-pr-123', projectName: 'Payments API' },
    );

    expect(resolved).toEqual({
      domain: 'preview-pr-123.payments-api.example.dev',
      vpc_cidr: '10.0.0.0/16',
      instance_type: 't3.micro',
      db_instance_class: 'db.t3.micro',
      db_engine: 'postgres',
      storage_gb: 20,
    });
  });

  it('passes given values through', () => {
    const given = {
      domain: 'shop.example.com',
      vpc_cidr: '10.42.0.0/16',
      instance_type: 't4g.micro',
      db_instance_class: 'db.t4g.micro',
      db_engine: 'mysql',
      storage_gb: 50,
    } as const;

    expect(resolveParameters(given, { environmentName: 'dev', projectName: 'x' })).toEqual(given);
  });

  it('property: the default domain always passes the parameter schema', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 64 }),
        (environmentName, projectName) => {
          const { domain } = resolveParameters({}, { environmentName, projectName });

          expect(TemplateParameters.safeParse({ domain }).success).toBe(true);
        },
      ),
    );
  });

  it('documents every parameter with its default', () => {
    // Every resolved parameter, plus the optional failure injection (absent from the defaults).
    expect(Object.keys(PARAMETER_DOCS).sort()).toEqual([...Object.keys(DEFAULTS), 'simulate'].sort());
    expect(PARAMETER_DOCS.storage_gb.default).toBe(20);
    expect(PARAMETER_DOCS.instance_type.allowed).toEqual(['t3.micro', 't4g.micro']);
    expect(PARAMETER_DOCS.db_engine.allowed).toEqual(['postgres', 'mysql']);
  });
});

describe('cost estimates', () => {
  it('prices the hourly resources at list price', () => {
    expect(estimateStackMonthlyCost('services-eks', DEFAULTS)).toBe(88.18); // 73.00 + 2 × 7.59
    expect(estimateStackMonthlyCost('compute-ec2', DEFAULTS)).toBe(7.59);
    expect(estimateStackMonthlyCost('network', DEFAULTS)).toBe(36.5); // NAT 32.85 + IPv4 3.65
    expect(estimateStackMonthlyCost('dns', DEFAULTS)).toBe(1);
    expect(estimateStackMonthlyCost('secrets', DEFAULTS)).toBe(0.8);
  });

  it('finds t4g cheaper than t3', () => {
    const t4g = { ...DEFAULTS, instance_type: 't4g.micro', db_instance_class: 'db.t4g.micro' } as const;

    expect(estimateStackMonthlyCost('compute-ec2', t4g)).toBe(6.13);
    expect(estimateStackMonthlyCost('compute-ec2', t4g)).toBeLessThan(
      estimateStackMonthlyCost('compute-ec2', DEFAULTS),
    );
    expect(estimateStackMonthlyCost('database-rds', t4g)).toBeLessThan(
      estimateStackMonthlyCost('database-rds', DEFAULTS),
    );
  });

  it('grows with database storage', () => {
    const big = estimateStackMonthlyCost('database-rds', { ...DEFAULTS, storage_gb: 100 });

    expect(big).toBeCloseTo(estimateStackMonthlyCost('database-rds', DEFAULTS) + 80 * 0.115, 2);
  });

  it('sums several stacks, and rejects an unknown stack', () => {
    const minimal = getTemplate('minimal')?.layers.flat() ?? [];
    const sum = minimal.reduce((acc, s) => acc + estimateStackMonthlyCost(s, DEFAULTS), 0);

    expect(estimateMonthlyCost(minimal, DEFAULTS)).toBeCloseTo(sum, 2);
    expect(() => estimateStackMonthlyCost('ghost', DEFAULTS)).toThrow('Unknown stack: ghost');
  });
});
