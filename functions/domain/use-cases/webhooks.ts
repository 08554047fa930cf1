/**
 * Outgoing webhooks (docs/decisions.md §45): a project's subscriptions to its lifecycle events,
 * delivered signed per the Standard Webhooks specification. The secret is stored (the sender
 * signs with it) but only the create and rotate answers show it.
 *
 * Who: an Administrator or the project's owner, for every route (a webhook's URL and events
 * are the owner's business); a service account never (403); another Developer or a ReadOnly
 * user gets 404 or 403 as for the project; a project the caller cannot see answers 404.
 *
 * Targets: `https` only, no credentials, no private/loopback/link-local address, as written
 * and after DNS resolution (again at delivery); `allowLoopback` (local mode) lets loopback
 * `http` through, for tests.
 */
import { actorOf, assertMayModify, assertNotServiceAccount, type Principal } from '../access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { CreateWebhookInput, UpdateWebhookInput } from '../inputs.ts';
import type { Page, PageRequest, ProjectRecord, WebhookDeliveryRecord, WebhookRecord } from '../model.ts';
import type {
  HostResolver,
  ProjectStore,
  WebhookDeliveryStore,
  WebhookMessage,
  WebhookStore,
} from '../ports.ts';
import { hostOf, resolvedProblem, urlProblems } from '../webhook-rules.ts';
import { getVisibleProject, projectRef } from './projects.ts';
import {
  type DeliveryDeps,
  deliverMessage,
  WEBHOOK_REQUEST_TIMEOUT_MS,
  type WebhookSettings,
} from './webhook-delivery.ts';

/** What the webhook use cases work with. */
export interface WebhookDeps {
  projects: ProjectStore;
  webhooks: WebhookStore;
  resolver: HostResolver;
  /** A new `whsec_…` secret. */
  newSecret: () => string;
  settings: () => WebhookSettings;
  deliveries: Pick<WebhookDeliveryStore, 'listByWebhook' | 'get'>;
  /** The sender's deps (the ping sends like the sender does). */
  delivery: () => DeliveryDeps;
}

/** A record and, once, its secret shown. */
export interface WebhookWithSecret {
  webhook: WebhookRecord;
  secret: string;
}

/** The project, if the caller may see it (404) and manage its webhooks (403/404). */
async function manageableProject(
  deps: Pick<WebhookDeps, 'projects'>,
  principal: Principal,
  projectId: string,
): Promise<ProjectRecord> {
  const project = await getVisibleProject(deps, principal, projectId);
  assertNotServiceAccount(principal, 'manage webhooks');
  assertMayModify(principal, projectRef(project), 'Project', projectId);
  return project;
}

async function existing(deps: Pick<WebhookDeps, 'webhooks'>, projectId: string, id: string) {
  const webhook = await deps.webhooks.get(projectId, id);
  if (!webhook) throw new NotFoundError('Webhook', id);
  return webhook;
}

/**
 * 422 unless the URL is an allowed target: its form first, then every address its host
 * resolves to (a name pointing into a private network is refused like the literal).
 */
export async function assertAllowedTarget(
  deps: Pick<WebhookDeps, 'resolver' | 'settings'>,
  text: string,
): Promise<void> {
  const options = deps.settings();
  const problems = urlProblems(text, options);
  if (problems.length > 0) throw new ValidationError(problems);
  const host = hostOf(new URL(text));
  if (host === 'localhost' || host.endsWith('.localhost')) return; // allowed loopback only (urlProblems)
  const problem = resolvedProblem(host, await deps.resolver.resolve(host), options);
  if (problem) throw new ValidationError([{ field: 'url', message: problem }]);
}

/** The patterns once each, in the order given. */
const distinct = (events: readonly string[]): string[] => [...new Set(events)];

export async function createWebhook(
  deps: WebhookDeps,
  principal: Principal,
  projectId: string,
  input: CreateWebhookInput,
  now: Date = new Date(),
): Promise<WebhookWithSecret> {
  const project = await manageableProject(deps, principal, projectId);
  await assertAllowedTarget(deps, input.url);
  const at = now.toISOString();
  const webhook: WebhookRecord = {
    id: newId('wh'),
    project_id: project.id,
    url: input.url,
    events: distinct(input.events),
    description: input.description ?? null,
    enabled: true,
    secret: deps.newSecret(),
    created_at: at,
    created_by: actorOf(principal),
    updated_at: at,
    rotated_at: null,
  };
  await deps.webhooks.create(webhook);
  return { webhook, secret: webhook.secret };
}

export async function listWebhooks(
  deps: Pick<WebhookDeps, 'projects' | 'webhooks'>,
  principal: Principal,
  projectId: string,
  page: PageRequest,
): Promise<Page<WebhookRecord>> {
  await manageableProject(deps, principal, projectId);
  return deps.webhooks.listByProject(projectId, page);
}

export async function getWebhook(
  deps: Pick<WebhookDeps, 'projects' | 'webhooks'>,
  principal: Principal,
  projectId: string,
  id: string,
): Promise<WebhookRecord> {
  await manageableProject(deps, principal, projectId);
  return existing(deps, projectId, id);
}

export async function updateWebhook(
  deps: WebhookDeps,
  principal: Principal,
  projectId: string,
  id: string,
  input: UpdateWebhookInput,
  now: Date = new Date(),
): Promise<WebhookRecord> {
  await manageableProject(deps, principal, projectId);
  const webhook = await existing(deps, projectId, id);
  if (input.url !== undefined) await assertAllowedTarget(deps, input.url);
  const updated: WebhookRecord = {
    ...webhook,
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.events !== undefined ? { events: distinct(input.events) } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    updated_at: now.toISOString(),
  };
  await deps.webhooks.put(updated);
  return updated;
}

/** A new secret; the old one signs nothing from now on. */
export async function rotateWebhookSecret(
  deps: WebhookDeps,
  principal: Principal,
  projectId: string,
  id: string,
  now: Date = new Date(),
): Promise<WebhookWithSecret> {
  await manageableProject(deps, principal, projectId);
  const webhook = await existing(deps, projectId, id);
  const at = now.toISOString();
  const rotated: WebhookRecord = { ...webhook, secret: deps.newSecret(), rotated_at: at, updated_at: at };
  await deps.webhooks.put(rotated);
  return { webhook: rotated, secret: rotated.secret };
}

export async function deleteWebhook(
  deps: Pick<WebhookDeps, 'projects' | 'webhooks'>,
  principal: Principal,
  projectId: string,
  id: string,
): Promise<void> {
  await manageableProject(deps, principal, projectId);
  await deps.webhooks.delete(await existing(deps, projectId, id));
}

/** A webhook's deliveries, each with its attempts, oldest first. */
export async function listWebhookDeliveries(
  deps: Pick<WebhookDeps, 'projects' | 'webhooks' | 'deliveries'>,
  principal: Principal,
  projectId: string,
  id: string,
  page: PageRequest,
): Promise<Page<WebhookDeliveryRecord>> {
  await manageableProject(deps, principal, projectId);
  const webhook = await existing(deps, projectId, id);
  return deps.deliveries.listByWebhook(webhook.id, page);
}

/**
 * Sends a `webhook.ping` now, signed like every delivery, enabled or not, and answers its
 * delivery record (the receiver's answer included: a failed ping is a 200 with status failed).
 */
export async function pingWebhook(
  deps: WebhookDeps,
  principal: Principal,
  projectId: string,
  id: string,
  now: Date = new Date(),
): Promise<WebhookDeliveryRecord> {
  await manageableProject(deps, principal, projectId);
  const webhook = await existing(deps, projectId, id);
  const messageId = newId('evt');
  const delivery = await deliverMessage(
    deps.delivery(),
    {
      project_id: webhook.project_id,
      webhook_id: webhook.id,
      id: messageId,
      payload: {
        type: 'webhook.ping',
        timestamp: now.toISOString(),
        data: { webhook_id: webhook.id, project_id: webhook.project_id },
      },
    },
    { force: true, timeoutMs: WEBHOOK_REQUEST_TIMEOUT_MS },
  );
  if (!delivery) throw new NotFoundError('Webhook', id);
  return delivery;
}

/**
 * Sends a delivery's message again now (same `webhook-id`, a fresh signature), whatever its
 * status and the webhook's, and answers the delivery with the new attempt added.
 */
export async function redeliverWebhookDelivery(
  deps: WebhookDeps,
  principal: Principal,
  projectId: string,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDeliveryRecord> {
  await manageableProject(deps, principal, projectId);
  const webhook = await existing(deps, projectId, webhookId);
  const earlier = await deps.deliveries.get(webhook.id, deliveryId);
  if (!earlier) throw new NotFoundError('Webhook delivery', deliveryId);
  if (!earlier.body) {
    throw new ConflictError(`Delivery ${deliveryId} kept no payload to send again`, 'NOT_REDELIVERABLE');
  }
  const delivery = await deliverMessage(
    deps.delivery(),
    {
      project_id: webhook.project_id,
      webhook_id: webhook.id,
      id: earlier.id,
      payload: JSON.parse(earlier.body) as WebhookMessage['payload'],
    },
    { force: true, again: true, timeoutMs: WEBHOOK_REQUEST_TIMEOUT_MS },
  );
  if (!delivery) throw new NotFoundError('Webhook', webhookId);
  return delivery;
}
