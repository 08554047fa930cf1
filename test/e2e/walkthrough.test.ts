/**
 * The product end to end in local mode: real Cognito tokens from cognito-local, the
 * local gateway's authorizer, the Lambda handlers, DynamoDB Local and the state
 * machines run by the local Step Functions endpoint.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { forgeToken, useLocalMode } from './support.ts';

const local = useLocalMode({ users: ['ReadOnly', 'Administrators'] });
const readOnly = local.as('ReadOnly');
const admin = local.as('Administrators');
let devToken: string;
let devAccessToken: string;
let otherToken: string;
const dev = local.withToken(() => devToken);
const other = local.withToken(() => otherToken);

const PASSWORD = 'Correct-Horse-42';

// Two self-service users besides the seeded ones: signing up is part of what this file tests.
beforeAll(async () => {
  for (const email of ['dev@example.org', 'other@example.org']) {
    const signup = await local.api.call('POST', '/auth/signup', { body: { email, password: PASSWORD } });
    expect(signup.status).toBe(201);
    expect(signup.body).toMatchObject({ email, confirmed: true });
  }
  const devLogin = await local.api.login('dev@example.org', PASSWORD);
  devToken = devLogin.id_token;
  devAccessToken = devLogin.access_token;
  otherToken = (await local.api.login('other@example.org', PASSWORD)).id_token;
});

describe('auth', () => {
  it('answers health without a token', async () => {
    const reply = await local.api.call('GET', '/health');
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('ok');
  });

  it('refuses a duplicate signup, a weak password and a wrong password', async () => {
    const duplicate = await local.api.call('POST', '/auth/signup', {
      body: { email: 'dev@example.org', password: PASSWORD },
    });
    expect(duplicate.status).toBe(409);
    const weak = await local.api.call('POST', '/auth/signup', {
      body: { email: 'weak@example.org', password: 'short' },
    });
    expect(weak.status).toBe(422);
    const wrong = await local.api.call('POST', '/auth/login', {
      body: { email: 'dev@example.org', password: 'Wrong-Horse-42' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error_code).toBe('UNAUTHORIZED');
  });

  it('refuses a confirmation code that is not the emailed one, as documented (400 INVALID_CODE)', async () => {
    const reply = await local.api.call('POST', '/auth/confirm', {
      body: { email: 'dev@example.org', code: '000000' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error_code).toBe('INVALID_CODE');
  });

  it('identifies the caller from the ID token, with the role from the groups', async () => {
    const me = await dev.call('GET', '/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'dev@example.org', role: 'Developers', groups: [] });
    const adminMe = await admin.call('GET', '/me');
    expect(adminMe.body).toMatchObject({ role: 'Administrators', groups: ['Administrators'] });
  });

  it.each([
    ['no token', undefined],
    ['a malformed token', 'not-a-jwt'],
    ['a wrongly signed token', forgeToken({ sub: 'x', token_use: 'id', exp: 4102444800 })],
  ])('answers 401 for %s', async (_label, token) => {
    const reply = await local.api.call('GET', '/me', { token });
    expect(reply.status).toBe(401);
    // The gateway's request id (a UUID), the one it also answers in x-amzn-requestid.
    expect(reply.body).toMatchObject({
      error_code: 'UNAUTHORIZED',
      request_id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
    });
    expect(reply.body.request_id).toBe(reply.headers.get('x-amzn-requestid'));
  });

  it('answers 401 for an access token (the API takes ID tokens)', async () => {
    expect((await local.api.call('GET', '/me', { token: devAccessToken })).status).toBe(401);
  });

  it('refreshes tokens', async () => {
    const tokens = await local.api.login('dev@example.org', PASSWORD);
    const refreshed = await local.api.call('POST', '/auth/refresh', {
      body: { refresh_token: tokens.refresh_token },
    });
    expect(refreshed.status).toBe(200);
    const me = await local.api.call('GET', '/me', { token: String(refreshed.body.id_token) });
    expect(me.status).toBe(200);
    const bad = await local.api.call('POST', '/auth/refresh', { body: { refresh_token: 'garbage' } });
    expect(bad.status).toBe(401);
  });
});

describe('projects and environments', () => {
  it('provisions a default environment to running and destroys it, over HTTP', async () => {
    // Arrange
    const project = await dev.call('POST', '/projects', { body: { name: 'payments' } });
    expect(project.status).toBe(201);
    const projectId = String(project.body.id);

    // Act: create
    const created = await dev.call('POST', `/projects/${projectId}/environments`, {
      body: { name: 'preview-pr-123', type: 'ephemeral', ttl_hours: 24, template: 'default' },
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'provisioning', progress: { stacks: 16 } });
    const envId = String(created.body.id);

    // Assert: running, 16 stacks with resources and outputs
    const running = await dev.waitForStatus(envId, 'running');
    expect(running.body).toMatchObject({ progress: { layers: 5, stacks_done: 16, stacks: 16 } });
    expect(String(running.body.base_url)).toMatch(/^https:\/\/preview-pr-123-/);
    const stacks = await dev.call('GET', `/environments/${envId}/stacks`);
    const items = stacks.body.items as {
      name: string;
      layer: number;
      status: string;
      resources: { type: string }[];
    }[];
    expect(items).toHaveLength(16);
    expect(items.map((s) => s.layer)).toEqual([...items.map((s) => s.layer)].sort((a, b) => a - b));
    // Each stack built what its kind declares: its resources' types are the template's list.
    const template = await dev.call('GET', '/templates/default');
    const declared = new Map(
      (template.body.stacks as { name: string; resource_types: string[] }[]).map((s) => [
        s.name,
        s.resource_types,
      ]),
    );
    for (const stack of items) {
      expect(stack.status).toBe('provisioned');
      expect([...new Set(stack.resources.map((r) => r.type))], stack.name).toEqual(declared.get(stack.name));
    }
    const rds = await dev.call('GET', `/environments/${envId}/stacks/database-rds`);
    expect(rds.body).toMatchObject({ depends_on: ['network', 'security'], status: 'provisioned' });
    expect(String((rds.body.outputs as { endpoint: string }).endpoint)).toMatch(/\.rds\.amazonaws\.com$/);
    const outputs = await dev.call('GET', `/environments/${envId}/outputs`);
    expect(Object.keys(outputs.body.outputs as object)).toHaveLength(16);
    expect((await dev.call('GET', `/environments/${envId}/stacks/nope`)).status).toBe(404);

    // A project with a live environment cannot be deleted.
    const refused = await dev.call('DELETE', `/projects/${projectId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe('PROJECT_HAS_ENVIRONMENTS');

    // Other people: 404; ReadOnly: may read, may not delete.
    expect((await other.call('GET', `/environments/${envId}`)).status).toBe(404);
    expect((await other.call('DELETE', `/environments/${envId}`)).status).toBe(404);
    expect((await readOnly.call('GET', `/environments/${envId}`)).status).toBe(200);
    expect((await readOnly.call('DELETE', `/environments/${envId}`)).status).toBe(403);

    // Act: destroy
    const deleting = await dev.call('DELETE', `/environments/${envId}`);
    expect(deleting.status).toBe(202);
    expect(deleting.body).toMatchObject({ status: 'destroying', operation: { kind: 'destroy' } });
    const again = await dev.call('DELETE', `/environments/${envId}`);
    expect(again.status).toBe(409);

    // Assert: destroyed, every stack destroyed, then the project can go.
    await dev.waitForStatus(envId, 'destroyed');
    const after = await dev.call('GET', `/environments/${envId}/stacks`);
    expect(new Set((after.body.items as { status: string }[]).map((s) => s.status))).toEqual(
      new Set(['destroyed']),
    );
    expect((await dev.call('DELETE', `/projects/${projectId}`)).status).toBe(204);
  });

  it('lists environments with filters and cursor pagination', async () => {
    const project = await dev.call('POST', '/projects', { body: { name: 'lists' } });
    const projectId = String(project.body.id);
    for (const name of ['a', 'b', 'c']) {
      const reply = await dev.call('POST', `/projects/${projectId}/environments`, {
        body: { name, template: 'minimal', type: name === 'c' ? 'persistent' : 'ephemeral' },
      });
      expect(reply.status).toBe(202);
    }
    const first = await dev.call('GET', `/environments?project_id=${projectId}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    const second = await dev.call(
      'GET',
      `/environments?project_id=${projectId}&limit=2&cursor=${String(first.body.next_cursor)}`,
    );
    const names = [
      ...(first.body.items as { name: string }[]),
      ...(second.body.items as { name: string }[]),
    ].map((e) => e.name);
    expect(names).toEqual(['c', 'b', 'a']);
    const persistent = await dev.call('GET', `/environments?project_id=${projectId}&type=persistent`);
    expect((persistent.body.items as { name: string }[]).map((e) => e.name)).toEqual(['c']);
    // The other developer sees none of them; the administrator sees them all.
    const others = await other.call('GET', '/environments');
    expect(others.body.items).toEqual([]);
    const all = await admin.call('GET', `/environments?project_id=${projectId}`);
    expect(all.body.items).toHaveLength(3);
  });

  it('answers 400, 404, 413 and 422 in the error shape', async () => {
    const project = await dev.call('POST', '/projects', { body: { name: 'errors' } });
    const projectId = String(project.body.id);
    const invalid = await dev.call('POST', `/projects/${projectId}/environments`, {
      body: { name: 'x', parameters: { instance_type: 'm5.24xlarge', storage_gb: 1000 }, colour: 'red' },
    });
    expect(invalid.status).toBe(422);
    expect((invalid.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'body.colour',
      'body.parameters.instance_type',
      'body.parameters.storage_gb',
    ]);
    const malformed = await dev.call('POST', '/projects', { raw: '{"name":' });
    expect(malformed.status).toBe(400);
    const big = await dev.call('POST', '/projects', {
      body: { name: 'big', description: 'x'.repeat(200_000) },
    });
    expect(big.status).toBe(413);
    const missing = await dev.call('GET', '/environments/env_01jd8x3k5m7n9p1q3r5s7t9v1w');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      error_code: 'NOT_FOUND',
      request_id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
    });
    expect(missing.body.request_id).toBe(missing.headers.get('x-amzn-requestid'));
    const badId = await dev.call('GET', '/environments/whatever');
    expect(badId.status).toBe(400);
    const route = await dev.call('GET', '/nowhere');
    expect(route.status).toBe(404);
    const readOnlyWrite = await readOnly.call('POST', '/projects', { body: { name: 'nope' } });
    expect(readOnlyWrite.status).toBe(403);
  });

  it('keeps an audit trail of every mutating request, for Administrators', async () => {
    const denied = await dev.call('GET', '/audit');
    expect(denied.status).toBe(403);
    const trail = await admin.call('GET', '/audit?actor=dev@example.org&limit=100');
    expect(trail.status).toBe(200);
    const entries = trail.body.items as {
      action: string;
      status: number;
      outcome: string;
      resource_id: string | null;
    }[];
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['createProject', 'createEnvironment', 'deleteEnvironment', 'deleteProject']),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ action: 'deleteProject', status: 409, outcome: 'failure' }),
    );
    const created = entries.find((e) => e.action === 'createEnvironment' && e.outcome === 'success');
    // An environment id: `env_` and a ULID (Crockford base 32, lower case).
    expect(created?.resource_id).toMatch(/^env_[0-9a-hjkmnp-tv-z]{26}$/);
    const readOnlyTrail = await admin.call('GET', '/audit?actor=readonly@example.com');
    expect(readOnlyTrail.body.items).toContainEqual(
      expect.objectContaining({ action: 'createProject', status: 403, outcome: 'failure', role: 'ReadOnly' }),
    );
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = await local.api.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const docs = await fetch(`${local.api.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
  });
});
