/**
 * TTL expiry in local mode: an ephemeral environment whose `expires_at` is set a few
 * seconds ahead is torn down on its own by the sweeper (a timer locally, an EventBridge
 * schedule in AWS, the same handler).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocal } from '../../local/runtime.ts';
import { Client } from './support.ts';

let runtime: LocalRuntime;
let api: Client;
let token: string;

beforeAll(async () => {
  runtime = await startLocal({ port: 0, persist: false, timeScale: 0, quiet: true, sweepIntervalMs: 500 });
  api = new Client(runtime.baseUrl);
  const developer = runtime.seedUsers.find((u) => u.group === 'Developers');
  if (!developer) throw new Error('no seeded developer');
  token = (await api.login(developer.email, developer.password)).id_token;
});

afterAll(async () => {
  await runtime?.stop();
});

describe('TTL', () => {
  it('tears an ephemeral environment down on its own once its expiry passes', async () => {
    // Arrange
    const project = await api.call('POST', '/projects', { token, body: { name: 'ttl' } });
    const created = await api.call('POST', `/projects/${String(project.body.id)}/environments`, {
      token,
      body: { name: 'short-lived', type: 'ephemeral', ttl_hours: 1, template: 'minimal' },
    });
    const envId = String(created.body.id);
    const running = await api.waitForStatus(envId, 'running', token);
    expect(running.body).toMatchObject({ type: 'ephemeral', ttl_hours: 1 });
    // Act: expire in three seconds.
    const expiresAt = new Date(Date.now() + 3_000).toISOString();
    const patch = await api.call('PATCH', `/environments/${envId}`, {
      token,
      body: { expires_at: expiresAt },
      headers: { 'if-match': String(running.body.version) },
    });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ expires_at: expiresAt, operation: null });
    // Assert: destroyed without anyone asking, within about half a minute.
    await api.waitForStatus(envId, 'destroyed', token, 30_000);
    const operations = await api.call('GET', `/environments/${envId}/operations`, { token });
    expect((operations.body.items as Record<string, unknown>[])[0]).toMatchObject({
      kind: 'destroy',
      status: 'succeeded',
      reason: 'ttl_expired',
      requested_by: 'system:ttl-sweeper',
    });
    // It was warned once before it went, and the warning reached the notification rule.
    const warnings = await api.call('GET', `/events?environment_id=${envId}&type=environment.expiring`, {
      token,
    });
    expect(warnings.body.items).toHaveLength(1);
    expect((warnings.body.items as { detail: Record<string, unknown> }[])[0]?.detail).toMatchObject({
      expires_at: expiresAt,
      minutes_left: 0,
    });
    const notified = runtime.services.eventBridge.notifications.filter(
      (e) => e.detail.environment_id === envId && e.detailType === 'Environment Expiring',
    );
    expect(notified).toHaveLength(1);
    const destroyed = await api.call('GET', `/events?environment_id=${envId}&type=environment.destroyed`, {
      token,
    });
    expect(destroyed.body.items).toHaveLength(1);
  });

  it('refuses a TTL on a persistent environment and an expiry in the past', async () => {
    const project = await api.call('POST', '/projects', { token, body: { name: 'ttl-errors' } });
    const created = await api.call('POST', `/projects/${String(project.body.id)}/environments`, {
      token,
      body: { name: 'forever', type: 'persistent', template: 'minimal' },
    });
    const envId = String(created.body.id);
    await api.waitForStatus(envId, 'running', token);
    const persistent = await api.call('PATCH', `/environments/${envId}`, { token, body: { ttl_hours: 2 } });
    expect(persistent.status).toBe(422);
    const ephemeral = await api.call('POST', `/projects/${String(project.body.id)}/environments`, {
      token,
      body: { name: 'soon', type: 'ephemeral', template: 'minimal' },
    });
    await api.waitForStatus(String(ephemeral.body.id), 'running', token);
    const past = await api.call('PATCH', `/environments/${String(ephemeral.body.id)}`, {
      token,
      body: { expires_at: '2001-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(422);
    expect(past.body.errors).toEqual([{ field: 'body.expires_at', message: 'must be in the future' }]);
  });
});
