/**
 * `Idempotency-Key` over HTTP in local mode with real Cognito tokens (docs/decisions.md §34):
 * a replay answers the first answer and does nothing again, whatever the route.
 */
import { describe, expect, it } from 'vitest';
import { useLocalMode } from './support.ts';

const local = useLocalMode({
  sweepIntervalMs: 0,
  users: ['Developers', 'Administrators'],
  project: 'idempotency',
  environment: { name: 'app', type: 'persistent', template: 'minimal' },
});
const developer = local.as('Developers');
const admin = local.as('Administrators');

const key = (name: string) => ({ 'Idempotency-Key': `${name}-${Date.now()}` });

/** How many environments the project holds, and how many operations one environment has. */
async function environmentCount(): Promise<number> {
  const page = await developer.call('GET', `/environments?project_id=${local.projectId}`);
  return (page.body.items as unknown[]).length;
}
async function operationCount(envId: string): Promise<number> {
  const page = await developer.call('GET', `/environments/${envId}/operations`);
  return (page.body.items as unknown[]).length;
}

describe('POST /projects/{project_id}/environments with an Idempotency-Key', () => {
  it('answers a replay with the same 202 and body, marked replayed, and creates one environment and one operation', async () => {
    // Arrange
    const headers = key('create-env');
    const body = { name: 'replayed', type: 'persistent', template: 'minimal' };
    const before = await environmentCount();
    // Act
    const first = await developer.call('POST', `/projects/${local.projectId}/environments`, {
      body,
      headers,
    });
    const replay = await developer.call('POST', `/projects/${local.projectId}/environments`, {
      body,
      headers,
    });
    // Assert
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await environmentCount()).toBe(before + 1);
    expect(await operationCount(String(first.body.id))).toBe(1);
    await developer.waitForStatus(String(first.body.id), 'running');
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED to the same key with another body, creating nothing', async () => {
    const headers = key('reused');
    const path = `/projects/${local.projectId}/environments`;
    const first = await developer.call('POST', path, {
      body: { name: 'reused-a', type: 'persistent', template: 'minimal' },
      headers,
    });
    const before = await environmentCount();
    const other = await developer.call('POST', path, {
      body: { name: 'reused-b', type: 'persistent', template: 'minimal' },
      headers,
    });
    expect(first.status).toBe(202);
    expect(other.status).toBe(422);
    expect(other.body.error_code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await environmentCount()).toBe(before);
    await developer.waitForStatus(String(first.body.id), 'running');
  });

  it('lets two concurrent duplicates make one environment: each answers the 202 or 409 IDEMPOTENCY_KEY_IN_USE', async () => {
    const headers = key('concurrent');
    const body = { name: 'concurrent', type: 'persistent', template: 'minimal' };
    const before = await environmentCount();
    const path = `/projects/${local.projectId}/environments`;
    const replies = await Promise.all([
      developer.call('POST', path, { body, headers }),
      developer.call('POST', path, { body, headers }),
    ]);
    const accepted = replies.filter((r) => r.status === 202);
    const inUse = replies.filter((r) => r.status === 409);
    expect(accepted.length + inUse.length).toBe(2);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    for (const reply of inUse) expect(reply.body.error_code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(new Set(accepted.map((r) => r.body.id)).size).toBe(1);
    expect(await environmentCount()).toBe(before + 1);
    await developer.waitForStatus(String(accepted[0]?.body.id), 'running');
  });
});

describe('the scope of a key', () => {
  it('is the caller: another user sending the same key and body creates their own project', async () => {
    const headers = key('shared');
    const body = { name: 'same-key' };
    const mine = await developer.call('POST', '/projects', { body, headers });
    const theirs = await admin.call('POST', '/projects', { body, headers });
    const mineAgain = await developer.call('POST', '/projects', { body, headers });
    expect([mine.status, theirs.status, mineAgain.status]).toEqual([201, 201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(mineAgain.body).toEqual(mine.body);
    expect(mineAgain.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('a failed request', () => {
  it('does not use the key up: the 409 of starting a running environment is answered again, fresh', async () => {
    const headers = key('failed');
    const path = `/environments/${local.environmentId}/start`;
    const first = await developer.call('POST', path, { headers });
    const second = await developer.call('POST', path, { headers });
    expect([first.status, second.status]).toEqual([409, 409]);
    expect(second.body.error_code).toBe(first.body.error_code);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
  });

  it('answers 400 INVALID_IDEMPOTENCY_KEY to a key over 255 characters', async () => {
    const reply = await developer.call('POST', '/projects', {
      body: { name: 'too-long-key' },
      headers: { 'Idempotency-Key': 'k'.repeat(256) },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error_code).toBe('INVALID_IDEMPOTENCY_KEY');
  });
});

describe('POST /environments/{env_id}/deployments with an Idempotency-Key', () => {
  it('makes one deployment however often it is replayed', async () => {
    const headers = key('deploy');
    const path = `/environments/${local.environmentId}/deployments`;
    const first = await developer.call('POST', path, { body: { version: 'v1.0.0' }, headers });
    const replay = await developer.call('POST', path, { body: { version: 'v1.0.0' }, headers });
    expect(first.status).toBe(202);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const list = await developer.call('GET', path);
    expect((list.body.items as { id: string }[]).map((d) => d.id)).toEqual([String(first.body.id)]);
  });
});
