/**
 * Outgoing webhooks over HTTP in local mode (docs/decisions.md §45): registration (the secret
 * in the create and rotate answers only, never in a read), the target rules (https, no private
 * addresses; local mode allows loopback http), and who may manage them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalMode } from './support.ts';

const local = useLocalMode({
  sweepIntervalMs: 0,
  users: ['Developers', 'Administrators', 'ReadOnly'],
  project: 'hooks',
});
const developer = local.as('Developers');
const admin = local.as('Administrators');
const readOnly = local.as('ReadOnly');

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
let base: string;

beforeAll(() => {
  base = `/projects/${local.projectId}/webhooks`;
});

async function register(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const reply = await developer.call('POST', base, { body });
  if (reply.status !== 201)
    throw new Error(`webhook not created: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

describe('registering a webhook', () => {
  it('answers 201 with a whsec_ secret once; GET, list and PATCH never show it', async () => {
    // Arrange
    const body = {
      url: 'https://93.184.216.34/hooks',
      events: ['environment.', 'operation.finished'],
      description: 'CI notifier',
    };
    // Act
    const created = await developer.call('POST', base, { body });
    const id = String(created.body.id);
    const read = await developer.call('GET', `${base}/${id}`);
    const list = await developer.call('GET', `${base}?limit=100`);
    const patched = await developer.call('PATCH', `${base}/${id}`, { body: { enabled: false } });
    // Assert
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      project_id: local.projectId,
      url: body.url,
      events: body.events,
      description: 'CI notifier',
      enabled: true,
      rotated_at: null,
    });
    expect(created.body.id).toMatch(/^wh_[0-9a-z]{26}$/);
    expect(created.body.secret).toMatch(SECRET);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.body).toEqual({ ...created.body, secret: undefined });
    expect(list.status).toBe(200);
    const listed = (list.body.items as Record<string, unknown>[]).find((w) => w.id === id);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('secret');
    expect(JSON.stringify(list.body)).not.toContain(String(created.body.secret));
    expect(patched.status).toBe(200);
    expect(patched.body.enabled).toBe(false);
    expect(patched.body).not.toHaveProperty('secret');
  });

  it('rotates: a new secret in the answer only, rotated_at set', async () => {
    // Arrange
    const created = await register({ url: 'https://93.184.216.34/rotate', events: ['deployment.'] });
    // Act
    const rotated = await developer.call('POST', `${base}/${created.id}/rotate`);
    const read = await developer.call('GET', `${base}/${created.id}`);
    // Assert
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(SECRET);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(rotated.body.rotated_at).toEqual(expect.any(String));
    expect(read.body).not.toHaveProperty('secret');
    expect(read.body.rotated_at).toBe(rotated.body.rotated_at);
  });

  it('changes url, events and description with PATCH, and deletes (204, then 404)', async () => {
    // Arrange
    const created = await register({ url: 'https://93.184.216.34/a', events: ['environment.running'] });
    // Act
    const patched = await developer.call('PATCH', `${base}/${created.id}`, {
      body: { url: 'https://93.184.216.34/b', events: ['deployment.failed'], description: 'moved' },
    });
    const removed = await developer.call('DELETE', `${base}/${created.id}`);
    const gone = await developer.call('GET', `${base}/${created.id}`);
    // Assert
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      url: 'https://93.184.216.34/b',
      events: ['deployment.failed'],
      description: 'moved',
      enabled: true,
    });
    expect(removed.status).toBe(204);
    expect(gone.status).toBe(404);
  });

  it('with an Idempotency-Key creates one webhook; a replay answers 409 SECRET_NOT_REPLAYED', async () => {
    // Arrange
    const headers = { 'Idempotency-Key': `wh-${Date.now()}` };
    const body = { url: 'https://93.184.216.34/idempotent', events: ['operation.'] };
    // Act
    const first = await developer.call('POST', base, { body, headers });
    const replay = await developer.call('POST', base, { body, headers });
    const list = await developer.call('GET', `${base}?limit=100`);
    // Assert
    expect(first.status).toBe(201);
    expect(first.body.secret).toMatch(SECRET);
    expect(replay.status).toBe(409);
    expect(replay.body.error_code).toBe('SECRET_NOT_REPLAYED');
    expect(replay.body).not.toHaveProperty('secret');
    expect(JSON.stringify(replay.body)).not.toContain(String(first.body.secret));
    expect((list.body.items as { url: string }[]).filter((w) => w.url === body.url)).toHaveLength(1);
  });
});

describe('target and event rules', () => {
  it.each([
    ['https://10.0.0.1/x', 'must not point at a private, loopback or link-local address'],
    ['https://169.254.169.254/latest', 'must not point at a private, loopback or link-local address'],
    ['https://[fd00::1]/x', 'must not point at a private, loopback or link-local address'],
    ['http://93.184.216.34/x', 'must use https'],
    ['https://user:pw@93.184.216.34/x', 'must not contain credentials'],
    ['https://nothing.invalid/x', 'nothing.invalid does not resolve'],
  ])('refuses %s with 422', async (url, message) => {
    // Act
    const reply = await developer.call('POST', base, { body: { url, events: ['environment.'] } });
    // Assert
    expect(reply.status).toBe(422);
    expect(reply.body.error_code).toBe('VALIDATION_ERROR');
    expect(reply.body.errors).toEqual([{ field: 'body.url', message }]);
  });

  it('allows loopback http in local mode (WEBHOOKS_ALLOW_LOOPBACK=true only there)', async () => {
    // Act
    const reply = await developer.call('POST', base, {
      body: { url: 'http://127.0.0.1:9/hook', events: ['environment.'] },
    });
    // Assert
    expect(local.runtime.env.WEBHOOKS_ALLOW_LOOPBACK).toBe('true');
    expect(reply.status).toBe(201);
    await developer.call('DELETE', `${base}/${reply.body.id}`);
  });

  it('refuses unknown event types and prefixes with 422 naming the item', async () => {
    // Act
    const reply = await developer.call('POST', base, {
      body: {
        url: 'https://93.184.216.34/x',
        events: ['environment.running', 'environment.exploded', 'env'],
      },
    });
    const empty = await developer.call('POST', base, {
      body: { url: 'https://93.184.216.34/x', events: [] },
    });
    // Assert
    expect(reply.status).toBe(422);
    expect((reply.body.errors as { field: string }[]).map((e) => e.field)).toEqual([
      'body.events.1',
      'body.events.2',
    ]);
    expect(empty.status).toBe(422);
  });
});

describe('who may manage webhooks', () => {
  it('an Administrator may; ReadOnly gets 403; another Developer 404; a service account 403', async () => {
    // Arrange
    const created = await register({ url: 'https://93.184.216.34/who', events: ['environment.'] });
    const email = 'webhook-other@example.org';
    const password = 'Other-Passw0rd!';
    await local.api.call('POST', '/auth/signup', { body: { email, password } });
    const other = (await local.api.login(email, password)).id_token;
    const account = await developer.call('POST', `/projects/${local.projectId}/service-accounts`, {
      body: { name: 'hooks-deployer', role: 'deployer' },
    });
    const saToken = (await local.api.login(String(account.body.username), String(account.body.secret)))
      .id_token;
    const body = { url: 'https://93.184.216.34/x', events: ['environment.'] };
    // Act
    const byAdmin = await admin.call('GET', `${base}/${created.id}`);
    const readOnlyList = await readOnly.call('GET', base);
    const readOnlyCreate = await readOnly.call('POST', base, { body });
    const otherList = await local.api.call('GET', base, { token: other });
    const otherCreate = await local.api.call('POST', base, { token: other, body });
    const saList = await local.api.call('GET', base, { token: saToken });
    const saCreate = await local.api.call('POST', base, { token: saToken, body });
    const saRotate = await local.api.call('POST', `${base}/${created.id}/rotate`, { token: saToken });
    // Assert
    expect(byAdmin.status).toBe(200);
    expect(readOnlyList.status).toBe(403);
    expect(readOnlyCreate.status).toBe(403);
    expect(otherList.status).toBe(404);
    expect(otherCreate.status).toBe(404);
    expect(saList.status).toBe(403);
    expect(saCreate.status).toBe(403);
    expect(saRotate.status).toBe(403);
    await developer.call('DELETE', `/projects/${local.projectId}/service-accounts/${account.body.id}`);
  });
});
