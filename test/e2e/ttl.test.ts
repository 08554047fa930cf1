/**
 * TTL expiry in local mode: an ephemeral environment whose `expires_at` is set a few
 * seconds ahead is torn down on its own by the sweeper (a timer locally, an EventBridge
 * schedule in AWS, the same handler).
 */
import { describe, expect, it } from 'vitest';
import { useLocalMode } from './support.ts';

// The sweeper every half second: an expiry is acted on well within the test's wait.
const local = useLocalMode({ sweepIntervalMs: 500, users: ['Developers'] });
const developer = local.as('Developers');

describe('TTL', () => {
  it('tears an ephemeral environment down on its own once its expiry passes', async () => {
    // Arrange
    const project = await developer.call('POST', '/projects', { body: { name: 'ttl' } });
    const created = await developer.call('POST', `/projects/${String(project.body.id)}/environments`, {
      body: { name: 'short-lived', type: 'ephemeral', ttl_hours: 1, template: 'minimal' },
    });
    const envId = String(created.body.id);
    const running = await developer.waitForStatus(envId, 'running');
    expect(running.body).toMatchObject({ type: 'ephemeral', ttl_hours: 1 });
    // Act: expire in three seconds.
    const expiresAt = new Date(Date.now() + 3_000).toISOString();
    const patch = await developer.call('PATCH', `/environments/${envId}`, {
      body: { expires_at: expiresAt },
      headers: { 'if-match': String(running.body.version) },
    });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ expires_at: expiresAt, operation: null });
    // Assert: destroyed without anyone asking, within about half a minute.
    await developer.waitForStatus(envId, 'destroyed', { timeoutMs: 30_000 });
    const operations = await developer.call('GET', `/environments/${envId}/operations`);
    expect((operations.body.items as Record<string, unknown>[])[0]).toMatchObject({
      kind: 'destroy',
      status: 'succeeded',
      reason: 'ttl_expired',
      requested_by: 'system:ttl-sweeper',
    });
    // It was warned once before it went, and the warning reached the notification rule.
    const warnings = await developer.call('GET', `/events?environment_id=${envId}&type=environment.expiring`);
    expect(warnings.body.items).toHaveLength(1);
    expect((warnings.body.items as { detail: Record<string, unknown> }[])[0]?.detail).toMatchObject({
      expires_at: expiresAt,
      minutes_left: 0,
    });
    await local.runtime.services.eventStream.drain();
    const notified = local.runtime.services.eventBridge.notifications.filter(
      (e) => e.detail.environment_id === envId && e.detailType === 'Environment Expiring',
    );
    expect(notified).toHaveLength(1);
    const destroyed = await developer.call(
      'GET',
      `/events?environment_id=${envId}&type=environment.destroyed`,
    );
    expect(destroyed.body.items).toHaveLength(1);
  });

  it('refuses a TTL on a persistent environment and an expiry in the past', async () => {
    const project = await developer.call('POST', '/projects', { body: { name: 'ttl-errors' } });
    const created = await developer.call('POST', `/projects/${String(project.body.id)}/environments`, {
      body: { name: 'forever', type: 'persistent', template: 'minimal' },
    });
    const envId = String(created.body.id);
    await developer.waitForStatus(envId, 'running');
    const persistent = await developer.call('PATCH', `/environments/${envId}`, { body: { ttl_hours: 2 } });
    expect(persistent.status).toBe(422);
    const ephemeral = await developer.call('POST', `/projects/${String(project.body.id)}/environments`, {
      body: { name: 'soon', type: 'ephemeral', template: 'minimal' },
    });
    await developer.waitForStatus(String(ephemeral.body.id), 'running');
    const past = await developer.call('PATCH', `/environments/${String(ephemeral.body.id)}`, {
      body: { expires_at: '2001-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(422);
    expect(past.body.errors).toEqual([{ field: 'body.expires_at', message: 'must be in the future' }]);
  });
});
