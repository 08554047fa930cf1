/**
 * Publishing a recorded lifecycle event (docs/decisions.md §35): the stores write events in
 * the transaction of the change they report; the table's stream hands each new event item to
 * `functions/events/publish-events.ts` at least once, which calls {@link publishEvent}. Each
 * consumer sees an event once however often it is delivered:
 *
 * - the metrics counters: the event item's `counted_at` marker and the counters move in one
 *   transaction, so an event is counted exactly once (the CloudWatch metrics, EMF, are emitted
 *   by the call that counted it);
 * - the bus: an event counted by an earlier delivery is put on it again only if that delivery
 *   did not note `published_at` (it died in between), so a duplicate on the bus is possible only
 *   then; every event carries its `id` (a ULID) for the bus's targets to deduplicate on
 *   (EventBridge itself does not);
 * - the events list (`GET /events`) reads the items themselves: one per id;
 * - the webhooks (docs/decisions.md §45): every delivery of the event queues a message per
 *   matching webhook again (the fan-out keeps no marker), and the sender sends none twice
 *   once one succeeded (the delivery record of (event, webhook)); the `webhook-id` header,
 *   the event id, lets receivers drop the rare duplicate of a message sent twice at once;
 * - pull-request previews (docs/decisions.md §46): after an event that may leave a preview's
 *   environment settled (running, failed, stopped, a deployment's end), what its PR asked
 *   meanwhile (deploy the new head SHA, or destroy it) is started; a wish done is noted (the
 *   SHA asked for) or needs nothing more (an environment destroying), so a delivery again
 *   does nothing twice.
 *
 * A failure throws: the stream delivers the event again (and the ones after it).
 */
import type { LifecycleEvent } from '../domain/lifecycle-events.ts';
import type { EventBus, EventStore } from '../domain/ports.ts';
import { type PreviewDeps, previewAfterEvent } from '../domain/use-cases/previews.ts';
import { type FanOutDeps, fanOutEvent } from '../domain/use-cases/webhook-delivery.ts';
import { emitEventMetrics } from './event-metrics.ts';

/** What publishing works with: the recorded events (and their markers) and the bus. */
export interface PublicationDeps {
  events: Pick<EventStore, 'count' | 'published' | 'markPublished'>;
  bus: EventBus;
  /** The webhooks' fan-out; absent when no webhook queue is configured. */
  webhooks?: FanOutDeps | undefined;
  /** Pull-request previews' pending wishes; absent in tests that do not need them. */
  previews?: PreviewDeps | undefined;
}

/** What one delivery of an event did. */
export interface Publication {
  /** This delivery moved the counters (false: an earlier one had). */
  counted: boolean;
  /** This delivery put the event on the bus (false: an earlier one had). */
  sent: boolean;
  /** Messages queued for webhooks by this delivery. */
  queued: number;
}

export async function publishEvent(deps: PublicationDeps, event: LifecycleEvent): Promise<Publication> {
  const counted = await deps.events.count(event);
  if (counted) emitEventMetrics([event]);
  // Counting comes first, so an event this call counted cannot have been sent before.
  const sent = counted || !(await deps.events.published(event));
  if (sent) {
    await deps.bus.put([event]);
    await deps.events.markPublished(event);
  }
  const queued = deps.webhooks ? await fanOutEvent(deps.webhooks, event) : 0;
  if (deps.previews) await previewAfterEvent(deps.previews, event);
  return { counted, sent, queued };
}
