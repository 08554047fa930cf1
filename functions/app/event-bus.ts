/**
 * Lifecycle events onto the EventBridge bus (in local mode, the same calls reach the
 * local bus through `EVENTBRIDGE_ENDPOINT`). `detail-type` is the event's title
 * (`Environment Failed`), `source` the product's, `detail` the whole event.
 */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type LifecycleEvent } from '../domain/lifecycle-events.ts';
import type { EventBus } from '../domain/ports.ts';
import { eventBridge } from '../platform/clients.ts';
import { eventsConfig } from '../platform/config.ts';

/** PutEvents takes at most 10 entries per call. */
const BATCH = 10;

/** Thrown when the bus refused some entries (PutEvents answers 200 with per-entry errors). */
export class EventBusRejectedError extends Error {
  readonly failures: { id: string; code: string | undefined }[];

  constructor(failures: { id: string; code: string | undefined }[]) {
    super(`The event bus refused ${failures.length} event(s): ${failures.map((f) => f.code).join(', ')}`);
    this.name = 'EventBusRejectedError';
    this.failures = failures;
  }
}

export class EventBridgeBus implements EventBus {
  async put(events: LifecycleEvent[]): Promise<void> {
    const { EVENT_BUS_NAME } = eventsConfig();
    for (let i = 0; i < events.length; i += BATCH) {
      const batch = events.slice(i, i + BATCH);
      const entries: PutEventsRequestEntry[] = batch.map((event) => ({
        EventBusName: EVENT_BUS_NAME,
        Source: EVENT_SOURCE,
        DetailType: event.detail_type,
        Time: new Date(event.time),
        Resources: [],
        Detail: JSON.stringify(event),
      }));
      const result = await eventBridge().send(new PutEventsCommand({ Entries: entries }));
      if ((result.FailedEntryCount ?? 0) > 0) {
        const failures = (result.Entries ?? [])
          .map((entry, n) => ({ id: batch[n]?.id ?? '?', code: entry.ErrorCode }))
          .filter((f) => f.code);
        throw new EventBusRejectedError(failures);
      }
    }
  }
}
