/** Routes of the `insights` function. Lifecycle events, the audit log and platform metrics. */
import * as s from '../contract/schemas.ts';
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
    request: { query: s.ListEventsQuery },
    success: { status: 200, description: 'A page of events', schema: s.EventPage },
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
    request: { query: s.ListAuditQuery },
    success: { status: 200, description: 'A page of audit entries', schema: s.AuditPage },
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
    request: { query: s.MetricsQuery },
    success: { status: 200, description: 'The counters of the period', schema: s.Metrics },
  }),
});
