/**
 * Deployments, events, metrics and their audit trail over HTTP in local mode, with real
 * Cognito tokens; every answer is checked against its route's documented schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocal } from '../../local/runtime.ts';
import { Client, type Reply } from './support.ts';

let runtime: LocalRuntime;
let api: Client;
let token: string;
let adminToken: string;
let readOnlyToken: string;
let envId: string;

const login = (group: string) => api.loginAs(runtime.seedUsers, group);

beforeAll(async () => {
  // Waits of 200 ms: a rollout lasts long enough to be seen in flight.
  runtime = await startLocal({
    port: 0,
    persist: false,
    timeScale: 0,
    quiet: true,
    waitOverrideMs: 200,
    sweepIntervalMs: 0,
  });
  api = new Client(runtime.baseUrl);
  token = await login('Developers');
  adminToken = await login('Administrators');
  readOnlyToken = await login('ReadOnly');
  const project = await api.call('POST', '/projects', { token, body: { name: 'lifecycle' } });
  const created = await api.call('POST', `/projects/${String(project.body.id)}/environments`, {
    token,
    body: { name: 'app', type: 'persistent', template: 'minimal' },
  });
  envId = String(created.body.id);
  await api.waitForStatus(envId, 'running', token);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

async function waitForDeployment(id: string): Promise<Reply> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const reply = await api.call('GET', `/deployments/${id}`, { token });
    if (['succeeded', 'failed', 'rolled_back'].includes(String(reply.body.status))) return reply;
    if (Date.now() > deadline) throw new Error(`deployment ${id} stayed ${String(reply.body.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('deployments over HTTP', () => {
  it('accepts a rolling deployment (202), holds the environment while it runs, and ends succeeded', async () => {
    // Act
    const accepted = await api.call('POST', `/environments/${envId}/deployments`, {
      token,
      body: { version: 'v1.0.0' },
    });
    // Assert: pending, three planned batches.
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'pending', strategy: 'rolling', previous_version: null });
    expect((accepted.body.batches as { percent: number }[]).map((b) => b.percent)).toEqual([25, 50, 100]);
    const id = String(accepted.body.id);
    // While it rolls out: a second deployment and a destroy are refused, naming it.
    const second = await api.call('POST', `/environments/${envId}/deployments`, {
      token,
      body: { version: 'v2' },
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error_code: 'DEPLOYMENT_IN_PROGRESS', deployment_id: id });
    const destroy = await api.call('DELETE', `/environments/${envId}`, { token });
    expect(destroy.status).toBe(409);
    expect(destroy.body).toMatchObject({ error_code: 'DEPLOYMENT_IN_PROGRESS' });
    const during = await api.call('GET', `/environments/${envId}`, { token });
    expect(during.body.active_deployment_id).toBe(id);
    // Then it ends, and the environment runs the version.
    const done = await waitForDeployment(id);
    expect(done.body).toMatchObject({ status: 'succeeded', error: null });
    const environment = await api.call('GET', `/environments/${envId}`, { token });
    expect(environment.body).toMatchObject({ current_version: 'v1.0.0', active_deployment_id: null });
    const logs = await api.call('GET', `/deployments/${id}/logs`, { token });
    expect((logs.body.items as { deployment_id: string }[]).every((l) => l.deployment_id === id)).toBe(true);
    expect((logs.body.items as unknown[]).length).toBeGreaterThanOrEqual(8);
  });

  it('rolls a failing version back and says so in the list', async () => {
    // Act
    const accepted = await api.call('POST', `/environments/${envId}/deployments`, {
      token,
      body: { version: 'v1.1.0', strategy: 'all_at_once', simulate: { fail_at_batch: 1 } },
    });
    const done = await waitForDeployment(String(accepted.body.id));
    // Assert
    expect(done.body).toMatchObject({ status: 'rolled_back', previous_version: 'v1.0.0' });
    const list = await api.call('GET', `/environments/${envId}/deployments`, { token });
    expect(
      (list.body.items as { version: string; status: string }[]).map((d) => [d.version, d.status]),
    ).toEqual([
      ['v1.1.0', 'rolled_back'],
      ['v1.0.0', 'succeeded'],
    ]);
    expect((await api.call('GET', `/environments/${envId}`, { token })).body.current_version).toBe('v1.0.0');
  });

  it('refuses bad input, read-only callers and unknown deployments with the error shape', async () => {
    const post = (body: unknown, as = token) =>
      api.call('POST', `/environments/${envId}/deployments`, { token: as, body });
    expect((await post({ version: 'has space' })).status).toBe(422);
    expect((await post({ version: 'v1', strategy: 'canary' })).status).toBe(422);
    expect((await post({ version: 'v1', extra: true })).status).toBe(422);
    const tooLate = await post({ version: 'v1', strategy: 'all_at_once', simulate: { fail_at_batch: 2 } });
    expect(tooLate.status).toBe(422);
    expect(tooLate.body).toMatchObject({ error_code: 'VALIDATION_ERROR' });
    expect((await post({ version: 'v1' }, readOnlyToken)).status).toBe(403);
    expect((await api.call('GET', '/deployments/dep_01jd8x3k5m7n9p1q3r5s7t9v1w', { token })).status).toBe(
      404,
    );
    expect((await api.call('GET', '/deployments/nope', { token })).status).toBe(400);
  });
});

describe('another developer', () => {
  it('sees none of it: 404 on the deployments, their logs and the events of an environment not theirs', async () => {
    // Arrange
    const email = 'other-dev@example.org';
    const password = 'Other-Passw0rd!';
    await api.call('POST', '/auth/signup', { body: { email, password } });
    const other = (await api.login(email, password)).id_token;
    const list = await api.call('GET', `/environments/${envId}/deployments`, { token });
    const depId = String((list.body.items as { id: string }[])[0]?.id);
    // Act + assert
    expect((await api.call('GET', `/deployments/${depId}`, { token: other })).status).toBe(404);
    expect((await api.call('GET', `/deployments/${depId}/logs`, { token: other })).status).toBe(404);
    expect((await api.call('GET', `/environments/${envId}/deployments`, { token: other })).status).toBe(404);
    const post = await api.call('POST', `/environments/${envId}/deployments`, {
      token: other,
      body: { version: 'x' },
    });
    expect(post.status).toBe(404);
    expect((await api.call('GET', `/events?environment_id=${envId}`, { token: other })).status).toBe(404);
    const theirs = await api.call('GET', '/events', { token: other });
    expect((theirs.body.items as { environment_id: string }[]).some((e) => e.environment_id === envId)).toBe(
      false,
    );
    // An administrator sees them.
    expect((await api.call('GET', `/deployments/${depId}`, { token: adminToken })).status).toBe(200);
  });
});

describe('events and metrics over HTTP', () => {
  it('lists the environment’s events newest first, filtered by type', async () => {
    const all = await api.call('GET', `/events?environment_id=${envId}`, { token });
    expect(all.status).toBe(200);
    const types = (all.body.items as { type: string }[]).map((e) => e.type);
    expect(types.at(-1)).toBe('environment.provisioning');
    expect(types).toEqual(
      expect.arrayContaining(['environment.running', 'deployment.succeeded', 'deployment.rolled_back']),
    );
    const rolledBack = await api.call('GET', `/events?environment_id=${envId}&type=deployment.rolled_back`, {
      token,
    });
    expect(rolledBack.body.items).toHaveLength(1);
    expect((await api.call('GET', '/events?type=nothing', { token })).status).toBe(400);
    // Paginated: one at a time, with a cursor.
    const first = await api.call('GET', `/events?environment_id=${envId}&limit=1`, { token });
    const next = await api.call(
      'GET',
      `/events?environment_id=${envId}&limit=1&cursor=${encodeURIComponent(String(first.body.next_cursor))}`,
      { token },
    );
    expect((next.body.items as { id: string }[])[0]?.id).not.toBe(
      (first.body.items as { id: string }[])[0]?.id,
    );
  });

  it('reports metrics consistent with what happened', async () => {
    const metrics = await api.call('GET', '/metrics?period=1h', { token });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({
      period: '1h',
      operations: { started: 1, succeeded: 1, failed: 0, cancelled: 0 },
      provisions_succeeded: 1,
      deployments: { started: 2, succeeded: 1, failed: 0, rolled_back: 1 },
    });
    expect((metrics.body.environments_by_status as Record<string, number>).running).toBe(1);
    expect(metrics.body.average_provisioning_seconds).toEqual(expect.any(Number));
    expect((await api.call('GET', '/metrics?period=2h', { token })).status).toBe(400);
  });

  it('leaves an audit entry for each deployment request, refused ones included', async () => {
    const audit = await api.call('GET', '/audit?limit=100', { token: adminToken });
    const entries = (audit.body.items as { action: string; status: number; resource_id: string }[]).filter(
      (a) => a.action === 'createDeployment',
    );
    expect(entries.map((a) => a.status)).toEqual(expect.arrayContaining([202, 409, 422, 403]));
    // An accepted request names what it created; a refused one the environment it was about.
    expect(entries.find((a) => a.status === 202)?.resource_id).toMatch(/^dep_/);
    expect(entries.find((a) => a.status === 409)?.resource_id).toBe(envId);
  });
});
