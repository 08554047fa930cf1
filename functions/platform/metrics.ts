/**
 * Powertools Metrics (CloudWatch embedded metric format): the one Metrics instance of a
 * function, in the product's namespace. What is counted is decided above the platform
 * (`functions/app/event-metrics.ts` reports the lifecycle events). Locally the EMF lines
 * are printed like any other log line.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SERVICE_NAME } from './observability.ts';

export const METRICS_NAMESPACE = 'EnvProvisioning';

export const metrics = /* @__PURE__ */ new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: SERVICE_NAME,
});
