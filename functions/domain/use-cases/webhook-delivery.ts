/**
 * Delivering lifecycle events to webhooks (docs/decisions.md §45).
 *
 * - Fan-out ({@link fanOutEvent}): a consumer of the once-per-consumer publication of lifecycle
 *   events (app/events.ts); it queries the project's webhooks (one Query, never a Scan) and
 *   queues one message per enabled webhook whose patterns match the event.
 * - Sending ({@link deliverMessage}): one signed POST per message (Standard Webhooks headers,
 *   `webhook-id` = the event id, stable across attempts), 15 s timeout, each attempt recorded
 *   on the delivery record of (webhook, message). The target is checked again (DNS included)
 *   before each attempt. A message already delivered is not sent again (the stream and the
 *   queue deliver at least once). A 410 disables the webhook.
 *
 * A failed attempt (no 2xx, no answer, a refused target) plans the next one with exponential
 * backoff and jitter, `Retry-After` honoured as a floor (`retryDelayMs`): the delivery stays
 * `pending` with the attempt's `next_retry_at`, and the sender has the queue hand the message
 * back then. After the last attempt, or a 410, it is `failed`. A ping is never retried.
 */
import type { LifecycleEvent } from '../lifecycle-events.ts';
import type { WebhookAttempt, WebhookDeliveryRecord, WebhookRecord } from '../model.ts';
import type {
  HostResolver,
  WebhookDeliveryStore,
  WebhookMessage,
  WebhookQueue,
  WebhookResponse,
  WebhookStore,
  WebhookTransport,
} from '../ports.ts';
import {
  hostOf,
  isLocalhostUrl,
  matchesEvent,
  parseRetryAfter,
  resolvedProblem,
  retryDelayMs,
  urlProblems,
} from '../webhook-rules.ts';

export interface WebhookSettings {
  /** Loopback `http` targets allowed (local mode, tests). */
  allowLoopback: boolean;
  /** Multiplies the retry schedule (local mode's time scale; 1 in AWS). */
  retryScale?: number;
  /** The sender's timeout per attempt ({@link WEBHOOK_TIMEOUT_MS} unless configured). */
  timeoutMs?: number;
}

/** The sender's timeout per attempt, by default. */
export const WEBHOOK_TIMEOUT_MS = 15_000;

/**
 * The timeout of an attempt made inside an API request (ping, redeliver): the API's functions
 * stop after 10 s, so the receiver gets 5 of them (DNS and the table's calls need the rest).
 */
export const WEBHOOK_REQUEST_TIMEOUT_MS = 5_000;

/** The Standard Webhooks headers of one attempt. */
export type WebhookSigner = (secret: string, id: string, at: Date, body: string) => Record<string, string>;

export interface FanOutDeps {
  webhooks: Pick<WebhookStore, 'listByProject'>;
  queue: WebhookQueue;
}

export interface DeliveryDeps {
  webhooks: Pick<WebhookStore, 'get' | 'put'>;
  deliveries: WebhookDeliveryStore;
  resolver: HostResolver;
  transport: WebhookTransport;
  sign: WebhookSigner;
  settings: () => WebhookSettings;
  now?: () => Date;
  /** In [0, 1): the retries' jitter. */
  random?: () => number;
}

/** The message of a lifecycle event for one webhook: `{type, timestamp, data: <the event>}`. */
export function eventMessage(
  webhook: Pick<WebhookRecord, 'id' | 'project_id'>,
  event: LifecycleEvent,
): WebhookMessage {
  return {
    project_id: webhook.project_id,
    webhook_id: webhook.id,
    id: event.id,
    payload: { type: event.type, timestamp: event.time, data: { ...event } },
  };
}

/** Every enabled webhook of the event's project that subscribes to its type. */
export async function matchingWebhooks(
  deps: Pick<FanOutDeps, 'webhooks'>,
  event: Pick<LifecycleEvent, 'project_id' | 'type'>,
): Promise<WebhookRecord[]> {
  const found: WebhookRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.webhooks.listByProject(event.project_id, {
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    found.push(...page.items.filter((w) => w.enabled && matchesEvent(w.events, event.type)));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return found;
}

/** Queues the event for each matching webhook; returns how many. */
export async function fanOutEvent(deps: FanOutDeps, event: LifecycleEvent): Promise<number> {
  const targets = await matchingWebhooks(deps, event);
  if (targets.length > 0) await deps.queue.send(targets.map((w) => eventMessage(w, event)));
  return targets.length;
}

/**
 * Whether the target may be called now (DNS again: an answer may have changed since
 * registration), and if so the addresses checked, which the request then connects to.
 */
async function checkedTarget(
  deps: DeliveryDeps,
  url: string,
): Promise<{ problem: string } | { addresses: readonly string[] | null }> {
  const options = deps.settings();
  const problems = urlProblems(url, options);
  if (problems.length > 0) return { problem: `refused target: ${problems.map((p) => p.message).join('; ')}` };
  const parsed = new URL(url);
  if (isLocalhostUrl(parsed)) return { addresses: null };
  const host = hostOf(parsed);
  const addresses = await deps.resolver.resolve(host);
  const problem = resolvedProblem(host, addresses, options);
  return problem ? { problem: `refused target: ${problem}` } : { addresses };
}

/**
 * One attempt to deliver a message, recorded. Returns the delivery record (null when the
 * webhook is gone, or disabled for an event: nothing to do). A ping goes to a disabled
 * webhook too (`force`).
 */
export async function deliverMessage(
  deps: DeliveryDeps,
  message: WebhookMessage,
  options: { force?: boolean; retries?: boolean; again?: boolean; timeoutMs?: number } = {},
): Promise<WebhookDeliveryRecord | null> {
  const now = deps.now ?? (() => new Date());
  const webhook = await deps.webhooks.get(message.project_id, message.webhook_id);
  if (!webhook || (!webhook.enabled && !options.force)) return null;
  const earlier = await deps.deliveries.get(webhook.id, message.id);
  // `again` (a redelivery someone asked for) sends whatever the record says.
  if (earlier?.status === 'succeeded' && !options.again) return earlier;
  // Its last attempt is behind it: a message queued again (the stream redelivered) changes nothing.
  if (earlier?.status === 'failed' && options.retries && !options.again) return earlier;

  const started = now();
  const body = JSON.stringify(message.payload);
  let response: WebhookResponse;
  const target = await checkedTarget(deps, webhook.url);
  if ('problem' in target) {
    response = { status: null, error: target.problem };
  } else {
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'cloud-env-provisioning-webhooks/1',
      ...deps.sign(webhook.secret, message.id, started, body),
    };
    response = await deps.transport.post(
      webhook.url,
      headers,
      body,
      options.timeoutMs ?? deps.settings().timeoutMs ?? WEBHOOK_TIMEOUT_MS,
      target.addresses,
    );
  }
  const ended = now();
  const ok = response.status !== null && response.status >= 200 && response.status <= 299;
  const number = (earlier?.attempts.length ?? 0) + 1;
  const retryIn =
    ok || !options.retries || response.status === 410
      ? null
      : retryDelayMs(
          number,
          parseRetryAfter(response.retryAfter, ended),
          (deps.random ?? Math.random)(),
          deps.settings().retryScale ?? 1,
        );
  const attempt: WebhookAttempt = {
    attempt: number,
    at: started.toISOString(),
    status: ok ? 'succeeded' : 'failed',
    duration_ms: Math.max(0, ended.getTime() - started.getTime()),
    response_code: response.status,
    error: ok ? null : (response.error ?? `HTTP ${response.status}`),
    next_retry_at: retryIn === null ? null : new Date(ended.getTime() + retryIn).toISOString(),
  };
  const delivery: WebhookDeliveryRecord = {
    id: message.id,
    webhook_id: webhook.id,
    project_id: webhook.project_id,
    event_type: message.payload.type,
    body,
    status: ok ? 'succeeded' : retryIn === null ? 'failed' : 'pending',
    attempts: [...(earlier?.attempts ?? []), attempt],
    created_at: earlier?.created_at ?? started.toISOString(),
    updated_at: ended.toISOString(),
  };
  await deps.deliveries.put(delivery);
  if (response.status === 410 && webhook.enabled) {
    // The receiver says the endpoint is gone for good: stop sending to it.
    await deps.webhooks.put({ ...webhook, enabled: false, updated_at: ended.toISOString() });
  }
  return delivery;
}
