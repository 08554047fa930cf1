/**
 * Plans, the manifest, single-stack operations, drift and export over HTTP in local mode,
 * with every answer checked against its documented schema (the plan and the manifest
 * included): what the README shows, plus the refusals.
 */
import { describe, expect, it } from 'vitest';
import { useLocalMode } from './support.ts';

const local = useLocalMode({
  // Waits of 200 ms: an operation is still running when the next request arrives.
  waitOverrideMs: 200,
  sweepIntervalMs: 0,
  users: ['Developers', 'ReadOnly', 'Administrators'],
  project: 'stacks',
  environment: { name: 'app', type: 'persistent', template: 'minimal' },
});
const developer = local.as('Developers');
const readOnly = local.as('ReadOnly');
const admin = local.as('Administrators');

describe('dry runs over HTTP', () => {
  it('plan a create without creating anything, and refuse what the create would refuse', async () => {
    const before = await developer.call('GET', `/environments?project_id=${local.projectId}`);
    const plan = await developer.call('POST', `/projects/${local.projectId}/environments?dry_run=true`, {
      body: { name: 'planned', template: 'default' },
    });
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({
      action: 'create',
      dry_run: true,
      environment_id: null,
      stack_count: 16,
    });
    const after = await developer.call('GET', `/environments?project_id=${local.projectId}`);
    expect(after.body.items).toEqual(before.body.items);
    const bad = await developer.call('POST', `/projects/${local.projectId}/environments?dry_run=true`, {
      body: { name: 'planned', template: 'nope' },
    });
    expect(bad.status).toBe(422);
    expect(
      (
        await developer.call('POST', `/projects/${local.projectId}/environments?dry_run=maybe`, {
          body: { name: 'x' },
        })
      ).status,
    ).toBe(400);
    const taken = await developer.call('POST', `/projects/${local.projectId}/environments?dry_run=true`, {
      body: { name: 'app', template: 'minimal' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error_code: 'DUPLICATE_NAME' });
  });

  it('plan an update (honouring If-Match) and a delete, changing nothing', async () => {
    const current = await developer.call('GET', `/environments/${local.environmentId}`);
    const stale = await developer.call('PATCH', `/environments/${local.environmentId}?dry_run=true`, {
      body: { parameters: { storage_gb: 30 } },
      headers: { 'if-match': String(Number(current.body.version) + 1) },
    });
    expect(stale.status).toBe(412);
    const update = await developer.call('PATCH', `/environments/${local.environmentId}?dry_run=true`, {
      body: { parameters: { storage_gb: 30 } },
    });
    expect(update.status).toBe(200);
    expect(update.body.action).toBe('update');
    const settingsOnly = await developer.call('PATCH', `/environments/${local.environmentId}?dry_run=true`, {
      body: { on_failure: 'keep' },
    });
    expect(settingsOnly.body).toMatchObject({ stack_count: 0, note: expect.stringContaining('at once') });
    const destroy = await developer.call('DELETE', `/environments/${local.environmentId}?dry_run=true`);
    expect(destroy.status).toBe(200);
    expect(destroy.body).toMatchObject({ action: 'delete', estimated_monthly_cost_usd: 0 });
    const after = await developer.call('GET', `/environments/${local.environmentId}`);
    expect(after.body).toMatchObject({ status: 'running', version: current.body.version });
    // The audit trail says these were dry runs.
    const audit = await admin.call('GET', `/audit?resource=${local.environmentId}`);
    expect(
      (audit.body.items as { action: string; path: string }[]).find((a) => a.action === 'deleteEnvironment'),
    ).toMatchObject({
      path: `/environments/${local.environmentId}?dry_run=true`,
    });
  });
});

describe('the manifest over HTTP', () => {
  it('is served with its version as ETag, and a put of the same document changes no stack', async () => {
    const manifest = await developer.call('GET', `/environments/${local.environmentId}/manifest`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('etag')).toBe(`"${String(manifest.body.version)}"`);
    const same = await developer.call('PUT', `/environments/${local.environmentId}/manifest?dry_run=true`, {
      body: manifest.body,
    });
    expect(same.body).toMatchObject({ action: 'update', stack_count: 0 });
    const template = await developer.call('PUT', `/environments/${local.environmentId}/manifest`, {
      body: { ...manifest.body, template: 'default' },
    });
    expect(template.status).toBe(422);
    expect(template.body).toMatchObject({ error_code: 'VALIDATION_ERROR' });
    const readOnlyPut = await readOnly.call('PUT', `/environments/${local.environmentId}/manifest`, {
      body: manifest.body,
    });
    expect(readOnlyPut.status).toBe(403);
  });
});

describe('single stacks over HTTP', () => {
  it('answers 404 for an unknown stack and 409 while another operation runs', async () => {
    expect(
      (await developer.call('POST', `/environments/${local.environmentId}/stacks/nope/deploy`)).status,
    ).toBe(404);
    expect((await developer.call('DELETE', `/environments/${local.environmentId}/stacks/nope`)).status).toBe(
      404,
    );
    const deploy = await developer.call('POST', `/environments/${local.environmentId}/stacks/dns/deploy`);
    expect(deploy.status).toBe(202);
    expect(deploy.body).toMatchObject({
      status: 'updating',
      operation: { kind: 'update', targets: ['dns'] },
    });
    const busy = await developer.call('POST', `/environments/${local.environmentId}/refresh`);
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ error_code: 'OPERATION_IN_PROGRESS' });
    await developer.waitForStatus(local.environmentId, 'running');
    const removed = await developer.call('DELETE', `/environments/${local.environmentId}/stacks/storage`);
    expect(removed.status).toBe(202);
    expect(removed.body).toMatchObject({ operation: { kind: 'delete_stacks', targets: ['storage'] } });
    await developer.waitForStatus(local.environmentId, 'running');
    const storage = await developer.call('GET', `/environments/${local.environmentId}/stacks/storage`);
    expect(storage.body).toMatchObject({ status: 'destroyed' });
    const operations = await developer.call('GET', `/environments/${local.environmentId}/operations`);
    expect((operations.body.items as { kind: string; status: string }[])[0]).toMatchObject({
      kind: 'delete_stacks',
      status: 'succeeded',
    });
  });

  it('refreshes, exports, and refuses a refresh of a stack that is not provisioned', async () => {
    const report = await developer.call('POST', `/environments/${local.environmentId}/refresh`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ environment_id: local.environmentId, changes_detected: false });
    const gone = await developer.call('POST', `/environments/${local.environmentId}/stacks/storage/refresh`);
    expect(gone.status).toBe(409);
    const exported = await developer.call(
      'GET',
      `/environments/${local.environmentId}/stacks/network/export`,
    );
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ schema_version: 1, stack: 'network', drifted: false });
    // Checked by the environment's refresh above (the stack refresh was refused).
    expect(exported.body.drift_checked_at).toBe(report.body.checked_at);
    expect((await readOnly.call('POST', `/environments/${local.environmentId}/refresh`)).status).toBe(403);
  });
});
