import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as renderTemplate } from '../../../functions/api/handlers/render-template.ts';
import { handler as validateAws } from '../../../functions/api/handlers/validate-aws.ts';
import { handler as validateDependencies } from '../../../functions/api/handlers/validate-dependencies.ts';
import { handler as validateManifest } from '../../../functions/api/handlers/validate-manifest.ts';
import { openApiDocument } from '../../../functions/api/http/openapi.ts';
import { invoke, READONLY } from '../helpers/events.ts';

const ddb = mockClient(DynamoDBDocumentClient);

beforeEach(() => ddb.reset());

interface Check {
  name: string;
  status: string;
  limit?: number;
  usage?: number;
}

describe('POST /templates/{name}/render', () => {
  const render = (name: string, body: unknown, claims?: Record<string, string>) =>
    invoke(renderTemplate, { method: 'POST', pathParameters: { name }, body, ...(claims ? { claims } : {}) });

  it('renders the default template into a manifest: 16 stacks, 5 layers, totals', async () => {
    const res = await render('default', {});
    expect(res.status).toBe(200);
    const stacks = res.body.stacks as { name: string; estimated_monthly_cost_usd: number }[];
    expect(stacks).toHaveLength(16);
    expect(res.body.layers).toHaveLength(5);
    const sum = stacks.reduce((total, s) => total + s.estimated_monthly_cost_usd, 0);
    expect(res.body.estimated_monthly_cost_usd).toBeCloseTo(sum, 2);
    const duration = res.body.estimated_duration_seconds as { min: number; max: number };
    // Layers run one after the other, the stacks of a layer side by side: the sum over the
    // layers of their slowest stack's range.
    const ranges = new Map(
      (res.body.stacks as { name: string; estimated_duration_seconds: { min: number; max: number } }[]).map(
        (s) => [s.name, s.estimated_duration_seconds],
      ),
    );
    const layers = res.body.layers as string[][];
    const slowest = (layer: string[], bound: 'min' | 'max') =>
      Math.max(...layer.map((name) => ranges.get(name)?.[bound] ?? Number.NaN));
    expect(duration).toEqual({
      min: layers.reduce((sum, layer) => sum + slowest(layer, 'min'), 0),
      max: layers.reduce((sum, layer) => sum + slowest(layer, 'max'), 0),
    });
    expect(duration.min).toBeGreaterThan(0);
    expect(res.body).toMatchObject({
      template: 'default',
      version: '1.0.0',
      region: 'us-east-1',
      account_id: '111111111111',
      parameters: { domain: 'env.project.example.dev', storage_gb: 20, instance_type: 't3.micro' },
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('uses the given parameters, names, region and account', async () => {
    const res = await render('minimal', {
      parameters: { db_engine: 'mysql', storage_gb: 50 },
      environment_name: 'preview-pr-7',
      project_name: 'shop',
      region: 'eu-west-1',
      account_id: '222222222222',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      region: 'eu-west-1',
      account_id: '222222222222',
      parameters: { domain: 'preview-pr-7.shop.example.dev', db_engine: 'mysql', storage_gb: 50 },
    });
  });

  it('answers 404 for an unknown template', async () => {
    const res = await render('enterprise', {});
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error_code: 'NOT_FOUND', detail: 'Template not found: enterprise' });
  });

  it('answers 422 for invalid parameters or unknown fields', async () => {
    const res = await render('default', { parameters: { instance_type: 'm5.24xlarge' }, colour: 'blue' });
    expect(res.status).toBe(422);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['body.colour', 'body.parameters.instance_type']);
  });

  it('is open to ReadOnly users (it changes nothing)', async () => {
    const res = await render('minimal', {}, READONLY);
    expect(res.status).toBe(200);
  });

  it('answers 401 without a token', async () => {
    const res = await invoke(renderTemplate, {
      method: 'POST',
      pathParameters: { name: 'default' },
      body: {},
      claims: null,
    });
    expect(res.status).toBe(401);
  });
});

describe('POST /validate/manifest', () => {
  const validate = (body: unknown, claims?: Record<string, string>) =>
    invoke(validateManifest, { method: 'POST', body, ...(claims ? { claims } : {}) });

  it('accepts a rendered manifest as is', async () => {
    // minimal: a rendered default (~5 KB) is over the unit tests' 4 KB body limit (64 KB by default)
    const rendered = await render();
    const res = await validate(rendered);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ valid: true, errors: [], warnings: [] });
  });

  async function render() {
    const res = await invoke(renderTemplate, {
      method: 'POST',
      pathParameters: { name: 'minimal' },
      body: { parameters: { storage_gb: 40 } },
    });
    return res.body;
  }

  it('lists parameter errors with 200 (the request itself was well-formed)', async () => {
    const res = await validate({ template: 'default', parameters: { storage_gb: 0, db_engine: 'oracle' } });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['parameters.db_engine', 'parameters.storage_gb']);
  });

  it('names a cycle and missing dependencies of a custom graph', async () => {
    const cycle = await validate({
      template: 'minimal',
      stacks: [
        { name: 'network', depends_on: ['security'] },
        { name: 'security', depends_on: ['network'] },
      ],
    });
    expect(cycle.status).toBe(200);
    expect(cycle.body).toMatchObject({
      valid: false,
      errors: [{ field: 'stacks', message: 'dependency cycle: network → security → network' }],
    });

    const missing = await validate({
      template: 'minimal',
      stacks: [{ name: 'security', depends_on: ['network'] }],
    });
    expect(missing.body).toMatchObject({
      valid: false,
      errors: [
        {
          field: 'stacks.0.depends_on.0',
          message: "'security' depends on 'network', which is not a stack of this manifest",
        },
      ],
    });
  });

  it('answers 422 for a body of the wrong shape', async () => {
    const notArray = await validate({ template: 'default', stacks: { network: [] } });
    expect(notArray.status).toBe(422);
    expect(notArray.body.error_code).toBe('VALIDATION_ERROR');

    const unknown = await validate({ template: 'default', owner: 'me' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toContainEqual({ field: 'body.owner', message: 'unknown field' });

    const noTemplate = await validate({});
    expect(noTemplate.status).toBe(422);
  });

  it('is open to ReadOnly users', async () => {
    const res = await validate({ template: 'default' }, READONLY);
    expect(res.status).toBe(200);
  });
});

describe('POST /validate/dependencies', () => {
  const validate = (body: unknown, claims?: Record<string, string>) =>
    invoke(validateDependencies, { method: 'POST', body, ...(claims ? { claims } : {}) });

  it('answers the layers of a valid graph', async () => {
    const res = await validate({
      stacks: { network: [], security: ['network'], 'database-rds': ['network', 'security'] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ valid: true, layers: [['network'], ['security'], ['database-rds']] });
  });

  it('names the cycle as a closed path', async () => {
    const res = await validate({ stacks: { a: ['b'], b: ['c'], c: ['a'] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: false, cycle: ['a', 'b', 'c', 'a'] });
  });

  it('names the missing dependencies', async () => {
    const res = await validate({ stacks: { app: ['db'] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: false, missing: [{ stack: 'app', dependency: 'db' }] });
  });

  it('answers 422 for a body of the wrong shape or over the bounds', async () => {
    expect((await validate({ stacks: [['a', 'b']] })).status).toBe(422);
    expect((await validate({ stacks: { a: 'b' } })).status).toBe(422);
    expect((await validate({ stacks: { 'Not A Name': [] } })).status).toBe(422);
    expect((await validate({ stacks: { a: [] }, extra: true })).status).toBe(422);
    const tooMany = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`s${i}`, []]));
    expect((await validate({ stacks: tooMany })).status).toBe(422);
  });

  it('is open to ReadOnly users', async () => {
    expect((await validate({ stacks: { a: [] } }, READONLY)).status).toBe(200);
  });

  it('accepts the seed’s shape, each stack an object naming its dependencies (none when left out)', async () => {
    const res = await validate({
      stacks: {
        network: {},
        security: { dependencies: ['network'] },
        'database-rds': { dependencies: ['network', 'security'] },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ valid: true, layers: [['network'], ['security'], ['database-rds']] });
    const db = await validate({ stacks: { db: { dependencies: ['network'] } } });
    expect(db.status).toBe(200);
    expect(db.body).toEqual({
      valid: false,
      message: 'unknown dependencies: db → network',
      missing: [{ stack: 'db', dependency: 'network' }],
    });
    const cycle = await validate({ stacks: { a: { dependencies: ['b'] }, b: { dependencies: ['a'] } } });
    expect(cycle.body).toMatchObject({ valid: false, cycle: ['a', 'b', 'a'] });
  });

  it('answers 422 naming the mix when a document mixes the two shapes', async () => {
    const res = await validate({ stacks: { network: [], db: { dependencies: ['network'] } } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error_code: 'VALIDATION_ERROR' });
    expect(res.body.errors).toEqual([
      {
        field: 'body.stacks',
        message:
          'mixes the two shapes: give every stack\'s dependencies as a list (`"db": ["network"]`), or every stack as an object (`"db": {"dependencies": ["network"]}`), not both',
      },
    ]);
  });

  it('answers 422 saying what is wrong inside either shape', async () => {
    const unknownField = await validate({ stacks: { db: { dependencies: ['network'], needs: ['x'] } } });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.errors).toEqual([
      { field: 'body.stacks', message: 'db: Unrecognized key: "needs"' },
    ]);
    const badName = await validate({ stacks: { db: { dependencies: ['Not A Name'] } } });
    expect(badName.status).toBe(422);
    expect((badName.body.errors as { field: string; message: string }[])[0]?.message).toMatch(
      /^db\.dependencies\.0: /,
    );
    const badList = await validate({ stacks: { db: ['network', 7] } });
    expect((badList.body.errors as { field: string; message: string }[])[0]?.message).toMatch(/^db\.1: /);
    const notObject = await validate({ stacks: 'network' });
    expect(notObject.status).toBe(422);
    expect((notObject.body.errors as { field: string; message: string }[])[0]).toEqual({
      field: 'body.stacks',
      message:
        'expected an object of stacks: every stack\'s dependencies as a list (`"db": ["network"]`), or every stack as an object (`"db": {"dependencies": ["network"]}`)',
    });
    const empty = await validate({ stacks: {} });
    expect(empty.status).toBe(422);
    expect(empty.body.errors).toEqual([{ field: 'body.stacks', message: 'give at least one stack' }]);
  });
});

describe('the OpenAPI document of POST /validate/dependencies', () => {
  it('documents both shapes as a oneOf of two named components', () => {
    const schemas = (
      openApiDocument() as { components: { schemas: Record<string, Record<string, unknown>> } }
    ).components.schemas;
    const request = schemas.ValidateDependenciesRequest as {
      properties: Record<string, Record<string, unknown>>;
    };
    const stacks = request.properties.stacks;
    expect(stacks?.oneOf).toEqual([
      { $ref: '#/components/schemas/DependencyLists' },
      { $ref: '#/components/schemas/DependencyObjects' },
    ]);
    expect(schemas.DependencyObjects?.additionalProperties).toEqual({
      $ref: '#/components/schemas/StackDependencies',
    });
    expect(schemas.StackDependencies).toMatchObject({ type: 'object', additionalProperties: false });
  });
});

describe('POST /validate/aws', () => {
  const validate = (body: unknown, claims?: Record<string, string>) =>
    invoke(validateAws, { method: 'POST', body, ...(claims ? { claims } : {}) });
  const target = { account_id: '111111111111', region: 'us-east-1' };
  const vpcs = (checks: unknown) => (checks as Check[]).find((c) => c.name === 'quota:vpcs');

  it('reads the VPC counter of the account and region, and passes with room left', async () => {
    ddb.on(GetCommand).resolves({ Item: { used: 2 } });
    const res = await validate(target);
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(true);
    expect(vpcs(res.body.checks)).toMatchObject({ status: 'pass', limit: 5, usage: 2 });
    const get = ddb.commandCalls(GetCommand)[0]?.args[0].input;
    expect(get).toMatchObject({
      TableName: 'unit-table',
      Key: { PK: 'QUOTA#111111111111#us-east-1', SK: 'VPC' },
    });
  });

  it('counts a missing counter as 0', async () => {
    ddb.on(GetCommand).resolves({});
    const res = await validate({ ...target, template: 'minimal' });
    expect(vpcs(res.body.checks)).toMatchObject({ status: 'pass', usage: 0 });
  });

  it('fails the VPC quota at 5 used, and warns at 4', async () => {
    ddb.on(GetCommand).resolves({ Item: { used: 5 } });
    const full = await validate(target);
    expect(full.status).toBe(200);
    expect(full.body.valid).toBe(false);
    expect(vpcs(full.body.checks)).toMatchObject({ status: 'fail', limit: 5, usage: 5 });

    ddb.on(GetCommand).resolves({ Item: { used: 4 } });
    const last = await validate(target);
    expect(last.body.valid).toBe(true);
    expect(vpcs(last.body.checks)).toMatchObject({ status: 'warn', usage: 4 });
  });

  it('reports bad formats as failed checks, without reading the table', async () => {
    const res = await validate({ account_id: 'abc', region: 'us-east-9' });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    const statuses = Object.fromEntries((res.body.checks as Check[]).map((c) => [c.name, c.status]));
    expect(statuses).toMatchObject({ account_id_format: 'fail', region: 'fail' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 422 for a body of the wrong shape', async () => {
    expect((await validate({ region: 'us-east-1' })).status).toBe(422);
    expect((await validate({ ...target, checks: ['quotas'] })).status).toBe(422);
    expect((await validate({ ...target, parameters: ['storage_gb'] })).status).toBe(422);
  });

  it('is open to ReadOnly users', async () => {
    ddb.on(GetCommand).resolves({});
    expect((await validate(target, READONLY)).status).toBe(200);
  });
});
