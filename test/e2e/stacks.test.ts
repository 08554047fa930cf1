/**
 * Plans, the manifest, single-stack operations, drift and export over HTTP in local mode,
 * with every answer checked against its documented schema (the plan and the manifest
 * included): what the README shows, plus the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocal } from '../../local/runtime.ts';
import { Client } from './support.ts';

let runtime: LocalRuntime;
let api: Client;
let token: string;
let readOnly: string;
let projectId: string;
let envId: string;

const login = (group: string) => api.loginAs(runtime.seedUsers, group);

beforeAll(async () => {
  // Waits of 200 ms: an operation is still running when the next request arrives.
  runtime = await startLocal({
    port: 0,
    persist: false,
    timeScale: 0,
    quiet: true,
    sweepIntervalMs: 0,
    waitOverrideMs: 200,
  });
  api = new Client(runtime.baseUrl);
  token = await login('Developers');
  readOnly = await login('ReadOnly');
  projectId = String((await api.call('POST', '/projects', { token, body: { name: 'stacks' } })).body.id);
  const created = await api.call('POST', `/projects/${projectId}/environments`, {
    token,
    body: { name: 'app', type: 'persistent', template: 'minimal' },
  });
  envId = String(created.body.id);
  await api.waitForStatus(envId, 'running', token);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

describe('dry runs over HTTP', () => {
  it('plan a create without creating anything, and refuse what the create would refuse', async () => {
    const before = await api.call('GET', `/environments?project_id=${projectId}`, { token });
    const plan = await api.call('POST', `/projects/${projectId}/environments?dry_run=true`, {
      token,
      body: { name: 'planned', template: 'default' },
    });
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({
      action: 'create',
      dry_run: true,
      environment_id: null,
      stack_count: 16,
    });
    const after = await api.call('GET', `/environments?project_id=${projectId}`, { token });
    expect(after.body.items).toEqual(before.body.items);
    const bad = await api.call('POST', `/projects/${projectId}/environments?dry_run=true`, {
      token,
      body: { name: 'planned', template: 'nope' },
    });
    expect(bad.status).toBe(422);
    expect(
      (
        await api.call('POST', `/projects/${projectId}/environments?dry_run=maybe`, {
          token,
          body: { name: 'x' },
        })
      ).status,
    ).toBe(400);
    const taken = await api.call('POST', `/projects/${projectId}/environments?dry_run=true`, {
      token,
      body: { name: 'app', template: 'minimal' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error_code: 'DUPLICATE_NAME' });
  });

  it('plan an update (honouring If-Match) and a delete, changing nothing', async () => {
    const current = await api.call('GET', `/environments/${envId}`, { token });
    const stale = await api.call('PATCH', `/environments/${envId}?dry_run=true`, {
      token,
      body: { parameters: { storage_gb: 30 } },
      headers: { 'if-match': String(Number(current.body.version) + 1) },
    });
    expect(stale.status).toBe(412);
    const update = await api.call('PATCH', `/environments/${envId}?dry_run=true`, {
      token,
      body: { parameters: { storage_gb: 30 } },
    });
    expect(update.status).toBe(200);
    expect(update.body.action).toBe('update');
    const settingsOnly = await api.call('PATCH', `/environments/${envId}?dry_run=true`, {
      token,
      body: { on_failure: 'keep' },
    });
    expect(settingsOnly.body).toMatchObject({ stack_count: 0, note: expect.stringContaining('at once') });
    const destroy = await api.call('DELETE', `/environments/${envId}?dry_run=true`, { token });
    expect(destroy.status).toBe(200);
    expect(destroy.body).toMatchObject({ action: 'delete', estimated_monthly_cost_usd: 0 });
    const after = await api.call('GET', `/environments/${envId}`, { token });
    expect(after.body).toMatchObject({ status: 'running', version: current.body.version });
    // The audit trail says these were dry runs.
    const adminToken = await login('Administrators');
    const audit = await api.call('GET', `/audit?resource=${envId}`, { token: adminToken });
    expect(
      (audit.body.items as { action: string; path: string }[]).find((a) => a.action === 'deleteEnvironment'),
    ).toMatchObject({
      path: `/environments/${envId}?dry_run=true`,
    });
  });
});

describe('the manifest over HTTP', () => {
  it('is served with its version as ETag, and a put of the same document changes no stack', async () => {
    const manifest = await api.call('GET', `/environments/${envId}/manifest`, { token });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('etag')).toBe(`"${String(manifest.body.version)}"`);
    const same = await api.call('PUT', `/environments/${envId}/manifest?dry_run=true`, {
      token,
      body: manifest.body,
    });
    expect(same.body).toMatchObject({ action: 'update', stack_count: 0 });
    const template = await api.call('PUT', `/environments/${envId}/manifest`, {
      token,
      body: { ...manifest.body, template: 'default' },
    });
    expect(template.status).toBe(422);
    expect(template.body).toMatchObject({ error_code: 'VALIDATION_ERROR' });
    const readOnlyPut = await api.call('PUT', `/environments/${envId}/manifest`, {
      token: readOnly,
      body: manifest.body,
    });
    expect(readOnlyPut.status).toBe(403);
  });
});

describe('single stacks over HTTP', () => {
  it('answers 404 for an unknown stack and 409 while another operation runs', async () => {
    expect((await api.call('POST', `/environments/${envId}/stacks/nope/deploy`, { token })).status).toBe(404);
    expect((await api.call('DELETE', `/environments/${envId}/stacks/nope`, { token })).status).toBe(404);
    const deploy = await api.call('POST', `/environments/${envId}/stacks/dns/deploy`, { token });
    expect(deploy.status).toBe(202);
    expect(deploy.body).toMatchObject({
      status: 'updating',
      operation: { kind: 'update', targets: ['dns'] },
    });
    const busy = await api.call('POST', `/environments/${envId}/refresh`, { token });
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ error_code: 'OPERATION_IN_PROGRESS' });
    await api.waitForStatus(envId, 'running', token);
    const removed = await api.call('DELETE', `/environments/${envId}/stacks/storage`, { token });
    expect(removed.status).toBe(202);
    expect(removed.body).toMatchObject({ operation: { kind: 'delete_stacks', targets: ['storage'] } });
    await api.waitForStatus(envId, 'running', token);
    const storage = await api.call('GET', `/environments/${envId}/stacks/storage`, { token });
    expect(storage.body).toMatchObject({ status: 'destroyed' });
    const operations = await api.call('GET', `/environments/${envId}/operations`, { token });
    expect((operations.body.items as { kind: string; status: string }[])[0]).toMatchObject({
      kind: 'delete_stacks',
      status: 'succeeded',
    });
  });

  it('refreshes, exports, and refuses a refresh of a stack that is not provisioned', async () => {
    const report = await api.call('POST', `/environments/${envId}/refresh`, { token });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ environment_id: envId, changes_detected: false });
    const gone = await api.call('POST', `/environments/${envId}/stacks/storage/refresh`, { token });
    expect(gone.status).toBe(409);
    const exported = await api.call('GET', `/environments/${envId}/stacks/network/export`, { token });
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ schema_version: 1, stack: 'network', drifted: false });
    expect(exported.body.drift_checked_at).toEqual(expect.any(String));
    expect((await api.call('POST', `/environments/${envId}/refresh`, { token: readOnly })).status).toBe(403);
  });
});
