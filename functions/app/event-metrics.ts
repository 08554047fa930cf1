/**
 * Lifecycle events as CloudWatch metrics (EMF), for dashboards and alarms: operations
 * started, succeeded, failed and cancelled, the duration of successful provisions, and
 * deployment outcomes. The same counters the table keeps for `GET /metrics`
 * (`metricDeltas`), so the two agree.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type HourlyCounter, type LifecycleEvent, metricDeltas } from '../domain/lifecycle-events.ts';
import { metrics } from '../platform/metrics.ts';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Each counter as a CloudWatch metric: its name and unit. */
const METRIC_OF: Record<HourlyCounter, { name: string; unit: Unit }> = {
  operations_started: { name: 'OperationsStarted', unit: MetricUnit.Count },
  operations_succeeded: { name: 'OperationsSucceeded', unit: MetricUnit.Count },
  operations_failed: { name: 'OperationsFailed', unit: MetricUnit.Count },
  operations_cancelled: { name: 'OperationsCancelled', unit: MetricUnit.Count },
  provisions_succeeded: { name: 'ProvisionsSucceeded', unit: MetricUnit.Count },
  provisioning_seconds: { name: 'ProvisionDuration', unit: MetricUnit.Seconds },
  deployments_started: { name: 'DeploymentsStarted', unit: MetricUnit.Count },
  deployments_succeeded: { name: 'DeploymentsSucceeded', unit: MetricUnit.Count },
  deployments_failed: { name: 'DeploymentsFailed', unit: MetricUnit.Count },
  deployments_rolled_back: { name: 'DeploymentsRolledBack', unit: MetricUnit.Count },
};

/** Emits the metrics of `events` (one EMF record); events that move no counter emit nothing. */
export function emitEventMetrics(events: readonly LifecycleEvent[]): void {
  let added = 0;
  for (const event of events) {
    for (const [counter, value] of Object.entries(metricDeltas(event).hourly)) {
      const metric = METRIC_OF[counter as HourlyCounter];
      if (value === undefined) continue;
      metrics.addMetric(metric.name, metric.unit, value);
      added += 1;
    }
  }
  if (added > 0) metrics.publishStoredMetrics();
}
