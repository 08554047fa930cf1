/**
 * Reading lifecycle events and the metrics they feed. Events are visible like the
 * environments they are about: Developers see their own, Administrators and ReadOnly
 * everyone's. Metrics are platform-wide aggregates (no ids), readable by anyone signed in.
 */

import { type Principal, seesEverything } from '../access.ts';
import { type EventFilter, type HourlyCounter, hourOf, type LifecycleEvent } from '../lifecycle-events.ts';
import type { Page, PageRequest } from '../model.ts';
import type { EnvironmentStore, EventStore, MetricsStore, ProjectStore } from '../ports.ts';
import { ENVIRONMENT_STATUSES, type EnvironmentStatusValue, type MetricsPeriodValue } from '../vocabulary.ts';
import { getVisibleEnvironment } from './environments.ts';

/** What reading events and metrics works with (the recorded events, not their publisher). */
export interface InsightsDeps {
  events: EventStore;
  environments: EnvironmentStore;
  /** A service account's events are its project's: the project names their owner. */
  projects: ProjectStore;
  metrics: MetricsStore;
}

export async function listEvents(
  deps: Pick<InsightsDeps, 'events' | 'environments' | 'projects'>,
  principal: Principal,
  filter: EventFilter,
  page: PageRequest,
): Promise<Page<LifecycleEvent>> {
  if (filter.environment_id) {
    await getVisibleEnvironment(deps, principal, filter.environment_id);
    return deps.events.list(filter, page);
  }
  if (principal.serviceAccount) {
    // Its project's events: the project owner's partition, filtered on the project.
    const project = await deps.projects.get(principal.serviceAccount.projectId);
    if (!project) return { items: [], next_cursor: null };
    return deps.events.list({ ...filter, ownerId: project.owner_id, projectId: project.id }, page);
  }
  const ownerId = seesEverything(principal) ? undefined : principal.userId;
  return deps.events.list({ ...filter, ownerId }, page);
}

const PERIOD_HOURS: Record<MetricsPeriodValue, number> = { '1h': 1, '24h': 24, '7d': 168, '30d': 720 };

export async function getMetrics(deps: Pick<InsightsDeps, 'metrics'>, period: MetricsPeriodValue, now: Date) {
  // Counters are hourly: the period is the current hour plus the `hours` whole hours
  // before it, so it always covers at least the period asked for.
  const hours = PERIOD_HOURS[period];
  const from = new Date(now.getTime() - hours * 3_600_000);
  from.setUTCMinutes(0, 0, 0);
  const [sums, statuses] = await Promise.all([
    deps.metrics.hourly(hourOf(from.toISOString()), hourOf(now.toISOString())),
    deps.metrics.statuses(),
  ]);
  const n = (name: HourlyCounter) => sums[name] ?? 0;
  const provisions = n('provisions_succeeded');
  return {
    period,
    from: from.toISOString(),
    to: now.toISOString(),
    operations: {
      started: n('operations_started'),
      succeeded: n('operations_succeeded'),
      failed: n('operations_failed'),
      cancelled: n('operations_cancelled'),
    },
    average_provisioning_seconds:
      provisions > 0 ? Math.round((n('provisioning_seconds') / provisions) * 10) / 10 : null,
    provisions_succeeded: provisions,
    environments_by_status: Object.fromEntries(
      // A count below zero can only come from environments older than the counters.
      ENVIRONMENT_STATUSES.map((s) => [s, Math.max(0, statuses[s] ?? 0)]),
    ) as Record<EnvironmentStatusValue, number>,
    deployments: {
      started: n('deployments_started'),
      succeeded: n('deployments_succeeded'),
      failed: n('deployments_failed'),
      rolled_back: n('deployments_rolled_back'),
    },
  };
}
