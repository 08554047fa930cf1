/**
 * Delivering lifecycle events to webhooks (docs/decisions.md §45) with in-memory stores, a
 * recording transport and a fixed clock: the fan-out's matching, one signed attempt per
 * message recorded, no second send once delivered, the target re-checked at delivery, 410.
 */
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../../functions/app/webhook-adapters.ts';
import type { LifecycleEvent } from '../../../functions/domain/lifecycle-events.ts';
import type { WebhookDeliveryRecord, WebhookRecord } from '../../../functions/domain/model.ts';
import type { WebhookMessage, WebhookResponse } from '../../../functions/domain/ports.ts';
import {
  type DeliveryDeps,
  deliverMessage,
  eventMessage,
  fanOutEvent,
} from '../../../functions/domain/use-cases/webhook-delivery.ts';

const PROJECT = 'prj_01jd8x3k5m7n9p1q3r5s7t9v1w';
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

const webhook = (id: string, over: Partial<WebhookRecord> = {}): WebhookRecord => ({
  id,
  project_id: PROJECT,
  url: 'https://hooks.example.com/x',
  events: ['environment.'],
  description: null,
  enabled: true,
  secret: SECRET,
  created_at: '2026-12-01T00:00:00.000Z',
  created_by: 'owner',
  updated_at: '2026-12-01T00:00:00.000Z',
  rotated_at: null,
  ...over,
});

const event: LifecycleEvent = {
  id: 'evt_01jd8x3k5m7n9p1q3r5s7t9v1w',
  type: 'environment.running',
  detail_type: 'Environment Running',
  time: '2026-12-01T10:00:00.000Z',
  environment_id: 'env_01jd8x3k5m7n9p1q3r5s7t9v1w',
  project_id: PROJECT,
  owner_id: 'owner',
  operation_id: null,
  deployment_id: null,
  detail: { name: 'dev' },
};

function world(hooks: WebhookRecord[], answers: WebhookResponse[] = [], addresses = ['93.184.216.34']) {
  const byId = new Map(hooks.map((h) => [h.id, h]));
  const deliveries = new Map<string, WebhookDeliveryRecord>();
  const posts: {
    url: string;
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
    pinned: readonly string[] | null;
  }[] = [];
  const clock = [new Date('2026-12-01T10:00:01.000Z'), new Date('2026-12-01T10:00:01.250Z')];
  let tick = 0;
  const deps: DeliveryDeps = {
    webhooks: {
      get: async (_p, id) => byId.get(id) ?? null,
      put: async (w) => {
        byId.set(w.id, w);
      },
    },
    deliveries: {
      get: async (w, id) => deliveries.get(`${w}/${id}`) ?? null,
      put: async (d) => {
        deliveries.set(`${d.webhook_id}/${d.id}`, d);
      },
      listByWebhook: async () => ({ items: [...deliveries.values()], next_cursor: null }),
    },
    resolver: { resolve: async () => addresses },
    transport: {
      post: async (url, headers, body, timeoutMs, pinned) => {
        posts.push({ url, headers, body, timeoutMs, pinned });
        return answers.shift() ?? { status: 200, error: null };
      },
    },
    sign: signWebhook,
    settings: () => ({ allowLoopback: false }),
    now: () => clock[Math.min(tick++, clock.length - 1)] as Date,
  };
  return { deps, byId, deliveries, posts };
}

describe('fanOutEvent', () => {
  it('queues one message per enabled webhook whose patterns match, and none for the others', async () => {
    // Arrange
    const hooks = [
      webhook('wh_a', { events: ['environment.'] }),
      webhook('wh_b', { events: ['environment.running'] }),
      webhook('wh_c', { events: ['deployment.'] }),
      webhook('wh_d', { events: ['environment.'], enabled: false }),
    ];
    const queued: WebhookMessage[] = [];
    // Act
    const count = await fanOutEvent(
      {
        webhooks: { listByProject: async () => ({ items: hooks, next_cursor: null }) },
        queue: { send: async (m) => void queued.push(...m) },
      },
      event,
    );
    // Assert
    expect(count).toBe(2);
    expect(queued.map((m) => m.webhook_id)).toEqual(['wh_a', 'wh_b']);
    expect(queued[0]).toEqual({
      project_id: PROJECT,
      webhook_id: 'wh_a',
      id: event.id,
      payload: { type: 'environment.running', timestamp: event.time, data: { ...event } },
    });
  });

  it('queues nothing (and sends no empty batch) when no webhook matches', async () => {
    let sends = 0;
    const count = await fanOutEvent(
      {
        webhooks: {
          listByProject: async () => ({
            items: [webhook('wh_c', { events: ['deployment.'] })],
            next_cursor: null,
          }),
        },
        queue: { send: async () => void sends++ },
      },
      event,
    );
    expect(count).toBe(0);
    expect(sends).toBe(0);
  });
});

describe('deliverMessage', () => {
  it('posts the signed payload once and records a succeeded attempt', async () => {
    // Arrange
    const { deps, posts } = world([webhook('wh_a')]);
    // Act
    const delivery = await deliverMessage(deps, eventMessage(webhook('wh_a'), event));
    // Assert
    expect(posts).toHaveLength(1);
    expect(posts[0]?.timeoutMs).toBe(15_000);
    // The connection goes to the address checked a moment ago, not to a new DNS answer.
    expect(posts[0]?.pinned).toEqual(['93.184.216.34']);
    expect(posts[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': event.id,
      'webhook-timestamp': String(Date.parse('2026-12-01T10:00:01.000Z') / 1000),
    });
    expect(posts[0]?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(String(posts[0]?.body))).toEqual({
      type: event.type,
      timestamp: event.time,
      data: { ...event },
    });
    expect(delivery).toEqual({
      id: event.id,
      webhook_id: 'wh_a',
      project_id: PROJECT,
      event_type: 'environment.running',
      status: 'succeeded',
      attempts: [
        {
          attempt: 1,
          at: '2026-12-01T10:00:01.000Z',
          status: 'succeeded',
          duration_ms: 250,
          response_code: 200,
          error: null,
          next_retry_at: null,
        },
      ],
      body: posts[0]?.body,
      created_at: '2026-12-01T10:00:01.000Z',
      updated_at: '2026-12-01T10:00:01.250Z',
    });
  });

  it('sends a succeeded message again only when asked to (a redelivery), as the same bytes', async () => {
    const { deps, posts } = world([webhook('wh_a')]);
    const first = await deliverMessage(deps, eventMessage(webhook('wh_a'), event));
    const again = await deliverMessage(deps, eventMessage(webhook('wh_a'), event), {
      again: true,
      timeoutMs: 5_000,
    });
    expect(posts).toHaveLength(2);
    expect(posts[1]?.timeoutMs).toBe(5_000);
    expect(posts[1]?.body).toBe(first?.body);
    expect(again?.attempts.map((a) => a.attempt)).toEqual([1, 2]);
  });

  it('does not send a message again once it succeeded (the queue delivers at least once)', async () => {
    const { deps, posts } = world([webhook('wh_a')]);
    await deliverMessage(deps, eventMessage(webhook('wh_a'), event));
    const again = await deliverMessage(deps, eventMessage(webhook('wh_a'), event));
    expect(posts).toHaveLength(1);
    expect(again?.attempts).toHaveLength(1);
  });

  it('adds a second attempt after a failed one', async () => {
    const { deps } = world([webhook('wh_a')], [{ status: 503, error: null }]);
    const first = await deliverMessage(deps, eventMessage(webhook('wh_a'), event));
    const second = await deliverMessage(deps, eventMessage(webhook('wh_a'), event));
    expect(first?.status).toBe('failed');
    expect(first?.attempts[0]).toMatchObject({ status: 'failed', response_code: 503, error: 'HTTP 503' });
    expect(second?.status).toBe('succeeded');
    expect(second?.attempts.map((a) => a.attempt)).toEqual([1, 2]);
  });

  it('refuses a target that now resolves to a private address, without calling it', async () => {
    const { deps, posts } = world([webhook('wh_a')], [], ['10.0.0.5']);
    const delivery = await deliverMessage(deps, eventMessage(webhook('wh_a'), event));
    expect(posts).toHaveLength(0);
    expect(delivery?.attempts[0]).toMatchObject({
      status: 'failed',
      response_code: null,
      error:
        'refused target: hooks.example.com resolves to a private, loopback or link-local address (10.0.0.5)',
    });
  });

  it('with retries, plans the next attempt after a failure (Retry-After as a floor) and stays pending', async () => {
    const { deps } = world([webhook('wh_a')], [{ status: 503, error: null, retryAfter: '120' }]);
    deps.random = () => 0;
    const delivery = await deliverMessage(deps, eventMessage(webhook('wh_a'), event), { retries: true });
    expect(delivery?.status).toBe('pending');
    // 30 s of backoff (1 min, half jittered away at random 0) < the 120 s asked for.
    expect(delivery?.attempts[0]?.next_retry_at).toBe('2026-12-01T10:02:01.250Z');
  });

  it('with retries, a 410 is final: failed, no next attempt, the webhook disabled', async () => {
    const { deps, byId } = world([webhook('wh_a')], [{ status: 410, error: null }]);
    const delivery = await deliverMessage(deps, eventMessage(webhook('wh_a'), event), { retries: true });
    expect(delivery?.status).toBe('failed');
    expect(delivery?.attempts[0]?.next_retry_at).toBeNull();
    expect(byId.get('wh_a')?.enabled).toBe(false);
  });

  it('disables the webhook on 410', async () => {
    const { deps, byId } = world([webhook('wh_a')], [{ status: 410, error: null }]);
    await deliverMessage(deps, eventMessage(webhook('wh_a'), event));
    expect(byId.get('wh_a')?.enabled).toBe(false);
  });

  it('skips a disabled or deleted webhook (a ping, forced, still goes)', async () => {
    const { deps, posts } = world([webhook('wh_off', { enabled: false })]);
    expect(await deliverMessage(deps, eventMessage(webhook('wh_off'), event))).toBeNull();
    expect(await deliverMessage(deps, eventMessage(webhook('wh_gone'), event))).toBeNull();
    expect(posts).toHaveLength(0);
    expect(
      (await deliverMessage(deps, eventMessage(webhook('wh_off'), event), { force: true }))?.status,
    ).toBe('succeeded');
  });
});
