/**
 * The publisher the services use: records each event (and its metric counts) in the
 * table, then puts it on the bus, and reports it as CloudWatch metrics (EMF). Best effort
 * by contract: an event that cannot be recorded or sent is logged as a warning and the
 * change it reports stands.
 */
import type { LifecycleEvent } from '../domain/lifecycle-events.ts';
import type { EventBus, EventPublisher, EventStore } from '../domain/ports.ts';
import { logger } from '../platform/observability.ts';
import { emitEventMetrics } from './event-metrics.ts';

export class LifecycleEventPublisher implements EventPublisher {
  private readonly store: EventStore;
  private readonly bus: EventBus;

  constructor(store: EventStore, bus: EventBus) {
    this.store = store;
    this.bus = bus;
  }

  async publish(events: LifecycleEvent[]): Promise<void> {
    if (events.length === 0) return;
    const ids = events.map((e) => e.id);
    try {
      await this.store.record(events);
    } catch (error) {
      logger.warn('Lifecycle events could not be recorded', { ids, error });
    }
    try {
      await this.bus.put(events);
    } catch (error) {
      logger.warn('Lifecycle events could not be sent to the event bus', { ids, error });
    }
    try {
      emitEventMetrics(events);
    } catch (error) {
      logger.warn('Lifecycle events could not be reported as metrics', { ids, error });
    }
  }
}
