/**
 * Outgoing webhooks over HTTP in local mode (docs/decisions.md §45): registration (the secret
 * in the create and rotate answers only, never in a read), the target rules (https, no private
 * addresses; local mode allows loopback http), who may manage them, and signed delivery to a
 * loopback receiver that verifies with the `standardwebhooks` verifier: lifecycle events (the
 * table's stream → fan-out → local queue → sender) and the ping, with their delivery records.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalMode } from './support.ts';

const local = useLocalMode({
  sweepIntervalMs: 0,
  // The sender's timeout (15 s in AWS), short here so a receiver that never answers is quick to test.
  webhookTimeoutSeconds: 1,
  users: ['Developers', 'Administrators', 'ReadOnly'],
  project: 'hooks',
});
const developer = local.as('Developers');
const admin = local.as('Administrators');
const readOnly = local.as('ReadOnly');

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
let base: string;

/** What the loopback receiver got. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const received: Received[] = [];
/** The status the receiver answers, by path (200 otherwise). */
const statusByPath = new Map<string, number>();
/** Paths whose first request is answered 503 with `Retry-After: 1`. */
const flakyOnce = new Set<string>();
/** Paths whose next requests get these answers in turn (`hang`: none at all), then 200. */
const scripted = new Map<string, (number | 'hang')[]>();
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
  base = `/projects/${local.projectId}/webhooks`;
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (flakyOnce.delete(path)) {
        res.writeHead(503, { 'retry-after': '1' }).end();
        return;
      }
      const next = scripted.get(path)?.shift();
      if (next === 'hang') return;
      if (next !== undefined) {
        res.writeHead(next).end();
        return;
      }
      res.writeHead(statusByPath.get(path) ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

/** Waits for a request the receiver got that matches, in order of arrival. */
async function receivedWhere(match: (r: Received) => boolean, timeoutMs = 30_000): Promise<Received> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = received.find(match);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`nothing received in time; got ${received.map((r) => r.path)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const headersOf = (r: Received): Record<string, string> => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
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

  it('audits the create under the new webhook’s id and the rotation under the path’s, never with the secret', async () => {
    // Arrange
    const created = await register({ url: 'https://93.184.216.34/audited', events: ['environment.'] });
    await developer.call('POST', `${base}/${created.id}/rotate`);
    // Act
    const audit = await admin.call('GET', '/audit?limit=100');
    // Assert
    expect(audit.status).toBe(200);
    const entries = audit.body.items as { action: string; resource_id: string | null }[];
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'createWebhook', resource_id: created.id }),
        expect.objectContaining({ action: 'rotateWebhookSecret', resource_id: created.id }),
      ]),
    );
    expect(JSON.stringify(audit.body)).not.toContain('whsec_');
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

describe('deleting the project', () => {
  it('answers 409 PROJECT_HAS_WEBHOOKS while it has webhooks; once they are deleted, the project goes', async () => {
    // Arrange
    const project = await developer.call('POST', '/projects', { body: { name: 'short-lived-hooks' } });
    const path = `/projects/${project.body.id}/webhooks`;
    const hook = await developer.call('POST', path, {
      body: { url: 'https://93.184.216.34/bye', events: ['environment.'] },
    });
    // Act
    const refused = await developer.call('DELETE', `/projects/${project.body.id}`);
    const removed = await developer.call('DELETE', `${path}/${hook.body.id}`);
    const deleted = await developer.call('DELETE', `/projects/${project.body.id}`);
    // Assert
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe('PROJECT_HAS_WEBHOOKS');
    expect(removed.status).toBe(204);
    expect(deleted.status).toBe(204);
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

describe('delivery', () => {
  it('delivers a lifecycle event signed (verified by the standardwebhooks verifier), webhook-id = event id, recorded with 200', async () => {
    // Arrange
    const hook = await register({ url: `${receiverUrl}/lifecycle`, events: ['environment.provisioning'] });
    // Act
    const env = await developer.call('POST', `/projects/${local.projectId}/environments`, {
      body: { name: 'hooked', type: 'ephemeral', template: 'minimal', ttl_hours: 1 },
    });
    const envId = String(env.body.id);
    const got = await receivedWhere((r) => r.path === '/lifecycle');
    const payload = new Webhook(String(hook.secret)).verify(got.body, headersOf(got)) as {
      type: string;
      timestamp: string;
      data: { id: string; environment_id: string; type: string };
    };
    const events = await developer.call(
      'GET',
      `/events?environment_id=${envId}&type=environment.provisioning`,
    );
    const eventId = String((events.body.items as { id: string }[])[0]?.id);
    await local.runtime.services.webhookQueue.drain();
    const deliveries = await developer.call('GET', `${base}/${hook.id}/deliveries`);
    // Assert
    expect(env.status).toBe(202);
    expect(got.headers['content-type']).toBe('application/json');
    expect(payload.type).toBe('environment.provisioning');
    expect(payload.data).toMatchObject({
      id: eventId,
      environment_id: envId,
      type: 'environment.provisioning',
    });
    expect(got.headers['webhook-id']).toBe(eventId);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.items).toEqual([
      expect.objectContaining({
        id: eventId,
        webhook_id: hook.id,
        event_type: 'environment.provisioning',
        status: 'succeeded',
        attempts: [
          expect.objectContaining({
            attempt: 1,
            status: 'succeeded',
            response_code: 200,
            error: null,
            next_retry_at: null,
            duration_ms: expect.any(Number),
          }),
        ],
      }),
    ]);
    expect(received.filter((r) => r.path === '/lifecycle')).toHaveLength(1);
  });

  it('pings signed; after rotation the next delivery verifies only with the new secret', async () => {
    // Arrange
    const hook = await register({ url: `${receiverUrl}/ping`, events: ['deployment.'] });
    // Act
    const first = await developer.call('POST', `${base}/${hook.id}/test`);
    const firstGot = await receivedWhere((r) => r.path === '/ping');
    const rotated = await developer.call('POST', `${base}/${hook.id}/rotate`);
    const second = await developer.call('POST', `${base}/${hook.id}/test`);
    const secondGot = await receivedWhere((r) => r.path === '/ping' && r !== firstGot);
    // Assert
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      webhook_id: hook.id,
      event_type: 'webhook.ping',
      status: 'succeeded',
    });
    expect(firstGot.headers['webhook-id']).toBe(first.body.id);
    expect(new Webhook(String(hook.secret)).verify(firstGot.body, headersOf(firstGot))).toMatchObject({
      type: 'webhook.ping',
      data: { webhook_id: hook.id, project_id: local.projectId },
    });
    expect(second.status).toBe(200);
    expect(
      new Webhook(String(rotated.body.secret)).verify(secondGot.body, headersOf(secondGot)),
    ).toMatchObject({
      type: 'webhook.ping',
    });
    expect(() => new Webhook(String(hook.secret)).verify(secondGot.body, headersOf(secondGot))).toThrow();
  });

  it('retries a refused lifecycle event with backoff (Retry-After honoured), same webhook-id, both attempts recorded', async () => {
    // Arrange
    flakyOnce.add('/flaky');
    const hook = await register({ url: `${receiverUrl}/flaky`, events: ['environment.provisioning'] });
    // Act
    const env = await developer.call('POST', `/projects/${local.projectId}/environments`, {
      body: { name: 'flaky', type: 'ephemeral', template: 'minimal', ttl_hours: 1 },
    });
    await receivedWhere(
      (r) => r.path === '/flaky' && received.filter((x) => x.path === '/flaky').length >= 2,
    );
    await local.runtime.services.webhookQueue.drain();
    let deliveries = await developer.call('GET', `${base}/${hook.id}/deliveries`);
    for (
      let i = 0;
      i < 50 && (deliveries.body.items as { status: string }[])[0]?.status !== 'succeeded';
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      deliveries = await developer.call('GET', `${base}/${hook.id}/deliveries`);
    }
    const requests = received.filter((r) => r.path === '/flaky');
    // Assert
    expect(env.status).toBe(202);
    expect(requests).toHaveLength(2);
    expect(requests[1]?.headers['webhook-id']).toBe(requests[0]?.headers['webhook-id']);
    const [delivery] = deliveries.body.items as { status: string; attempts: Record<string, unknown>[] }[];
    expect(delivery?.status).toBe('succeeded');
    expect(delivery?.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: 'failed',
        response_code: 503,
        next_retry_at: expect.any(String),
      }),
      expect.objectContaining({ attempt: 2, status: 'succeeded', response_code: 200, next_retry_at: null }),
    ]);
    const first = delivery?.attempts[0] as { at: string; next_retry_at: string };
    // Retry-After: 1 is the floor of the (scaled) backoff.
    expect(Date.parse(first.next_retry_at) - Date.parse(first.at)).toBeGreaterThanOrEqual(1000);
  });

  it('retries after a 500 and after no answer in time, with the same webhook-id, until a 200', async () => {
    // Arrange
    scripted.set('/stubborn', [500, 'hang']);
    const hook = await register({ url: `${receiverUrl}/stubborn`, events: ['environment.provisioning'] });
    const attemptsOf = async () => {
      const list = await developer.call('GET', `${base}/${hook.id}/deliveries`);
      return (list.body.items as { id: string; status: string; attempts: Record<string, unknown>[] }[])[0];
    };
    // Act
    const env = await developer.call('POST', `/projects/${local.projectId}/environments`, {
      body: { name: 'stubborn', type: 'ephemeral', template: 'minimal', ttl_hours: 1 },
    });
    await receivedWhere(() => received.filter((r) => r.path === '/stubborn').length >= 3);
    let delivery = await attemptsOf();
    for (let i = 0; i < 50 && delivery?.status !== 'succeeded'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      delivery = await attemptsOf();
    }
    // It would go on receiving the other tests' environments' events.
    await developer.call('DELETE', `${base}/${hook.id}`);
    // Assert
    expect(env.status).toBe(202);
    const ids = received.filter((r) => r.path === '/stubborn').map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([delivery?.id, delivery?.id, delivery?.id]);
    expect(delivery?.status).toBe('succeeded');
    expect(delivery?.attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 'failed', response_code: 500, error: 'HTTP 500' }),
      expect.objectContaining({
        attempt: 2,
        status: 'failed',
        response_code: null,
        error: 'no answer within 1 s',
        next_retry_at: expect.any(String),
      }),
      expect.objectContaining({ attempt: 3, status: 'succeeded', response_code: 200, next_retry_at: null }),
    ]);
    expect(delivery?.attempts[1]?.duration_ms).toBeGreaterThanOrEqual(1000);
  });

  it('redelivers a delivery on request: same webhook-id, a fresh valid signature, a second attempt recorded', async () => {
    // Arrange
    const hook = await register({ url: `${receiverUrl}/again`, events: ['deployment.'] });
    const ping = await developer.call('POST', `${base}/${hook.id}/test`);
    const firstGot = await receivedWhere((r) => r.path === '/again');
    // Act
    const again = await developer.call('POST', `${base}/${hook.id}/deliveries/${ping.body.id}/redeliver`);
    const secondGot = await receivedWhere((r) => r.path === '/again' && r !== firstGot);
    const unknown = await developer.call(
      'POST',
      `${base}/${hook.id}/deliveries/evt_01jd8x3k5m7n9p1q3r5s7t9v1w/redeliver`,
    );
    const list = await developer.call('GET', `${base}/${hook.id}/deliveries`);
    // Assert
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: ping.body.id, status: 'succeeded' });
    expect((again.body.attempts as { attempt: number }[]).map((a) => a.attempt)).toEqual([1, 2]);
    expect(again.body).not.toHaveProperty('body');
    expect(secondGot.headers['webhook-id']).toBe(ping.body.id);
    expect(secondGot.body).toBe(firstGot.body);
    expect(new Webhook(String(hook.secret)).verify(secondGot.body, headersOf(secondGot))).toMatchObject({
      type: 'webhook.ping',
    });
    expect(unknown.status).toBe(404);
    expect(list.body.items).toEqual([expect.not.objectContaining({ body: expect.anything() })]);
  });

  it('records a refused answer as a failed attempt, and a 410 disables the webhook', async () => {
    // Arrange
    statusByPath.set('/failing', 500);
    statusByPath.set('/gone', 410);
    const failing = await register({ url: `${receiverUrl}/failing`, events: ['deployment.'] });
    const gone = await register({ url: `${receiverUrl}/gone`, events: ['deployment.'] });
    // Act
    const failed = await developer.call('POST', `${base}/${failing.id}/test`);
    const goneReply = await developer.call('POST', `${base}/${gone.id}/test`);
    const goneAfter = await developer.call('GET', `${base}/${gone.id}`);
    const failingAfter = await developer.call('GET', `${base}/${failing.id}`);
    // Assert
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'failed' });
    expect(failed.body.attempts).toEqual([
      expect.objectContaining({
        status: 'failed',
        response_code: 500,
        error: 'HTTP 500',
        next_retry_at: null,
      }),
    ]);
    expect(failingAfter.body.enabled).toBe(true);
    expect(goneReply.body).toMatchObject({ status: 'failed' });
    expect(goneAfter.body.enabled).toBe(false);
  });
});
