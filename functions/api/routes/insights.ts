/** Routes of the `insights` function. Lifecycle events, the audit log and platform metrics. */
import {
  AuditPage,
  EventPage,
  ListAuditQuery,
  ListEventsQuery,
  Metrics,
  MetricsQuery,
} from '../contract/insights.ts';
import { route, routeGroup } from '../route-types.ts';

export const insightsRoutes = routeGroup('insights', {
  listEvents: route({
    operationId: 'listEvents',
    method: 'GET',
    path: '/events',
    needs: { table: 'read' },
    access: 'read',
    summary:
      'Lifecycle events (environment status changes, expiry warnings, operations, deployments), newest first',
    tag: 'events',
    request: { query: ListEventsQuery },
    success: { status: 200, description: 'A page of events', schema: EventPage },
    errors: [404],
  }),
  listAudit: route({
    operationId: 'listAudit',
    method: 'GET',
    path: '/audit',
    needs: { table: 'read' },
    access: 'read',
    summary: 'Who did what, to which resource, when, and how it ended (Administrators only), newest first',
    tag: 'audit',
    request: { query: ListAuditQuery },
    success: { status: 200, description: 'A page of audit entries', schema: AuditPage },
    errors: [403],
  }),
  getMetrics: route({
    operationId: 'getMetrics',
    method: 'GET',
    path: '/metrics',
    needs: { table: 'read' },
    access: 'read',
    summary:
      'Platform metrics over a period: operations, environments by status, average provisioning time, deployments',
    tag: 'events',
    request: { query: MetricsQuery },
    success: { status: 200, description: 'The counters of the period', schema: Metrics },
  }),
});
