/**
 * Lifecycle events (issue 4, item 3): what changed, told to whoever listens. They are
 * recorded (listed by `GET /events`), sent to an EventBridge bus (an SNS topic emails
 * failures and expiry warnings), and feed the metrics counters (`metricDeltas`). Their
 * types are the vocabulary's `EVENT_TYPES`.
 *
 * Events are built here from the records, after the change they describe has been
 * written; publishing is best effort and never undoes or fails that change.
 */

import { newId } from './ids.ts';
import type { EnvironmentRecord, OperationRecord } from './model.ts';
import type { EnvironmentStatusValue, EventType } from './vocabulary.ts';

/** Where the events come from on the bus (`source`). */
export const EVENT_SOURCE = 'cloud-env.provisioning';

/**
 * The events a person is told about by email (the SNS topic's rule; the local stand-in
 * applies the same list): failures, expiry warnings and operations waiting for an approver.
 */
export const NOTIFIED_EVENT_TYPES: readonly EventType[] = [
  'operation.awaiting_approval',
  'environment.failed',
  'environment.expiring',
  'environment.drift_detected',
  'deployment.failed',
  'deployment.rolled_back',
];

/** Titles that are not simply the type's words (the issue's own name for the event). */
const TITLES: Partial<Record<EventType, string>> = { 'environment.drift_detected': 'Drift Detected' };

/** `deployment.rolled_back` → `Deployment Rolled Back` (EventBridge's `detail-type`). */
export function detailTypeOf(type: EventType): string {
  const title = TITLES[type];
  if (title) return title;
  return type
    .split(/[._]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

export interface LifecycleEvent {
  id: string;
  type: EventType;
  detail_type: string;
  time: string;
  environment_id: string;
  project_id: string;
  owner_id: string;
  operation_id: string | null;
  deployment_id: string | null;
  /** What happened, in the terms of the resource (statuses, errors, versions, …). */
  detail: Record<string, unknown>;
}

export interface EventFilter {
  environment_id?: string | undefined;
  type?: EventType | undefined;
  since?: string | undefined;
}

function event(
  type: EventType,
  environment: Pick<EnvironmentRecord, 'id' | 'project_id' | 'owner_id'>,
  time: string,
  refs: { operation_id?: string | null; deployment_id?: string | null },
  detail: Record<string, unknown>,
): LifecycleEvent {
  return {
    id: newId('evt'),
    type,
    detail_type: detailTypeOf(type),
    time,
    environment_id: environment.id,
    project_id: environment.project_id,
    owner_id: environment.owner_id,
    operation_id: refs.operation_id ?? null,
    deployment_id: refs.deployment_id ?? null,
    detail,
  };
}

/**
 * The environment moved from `previous` (null for a new one) to its current status.
 * No event when the status did not change.
 */
export function environmentStatusEvents(
  environment: EnvironmentRecord,
  previous: EnvironmentStatusValue | null,
  time: string,
  operationId: string | null,
): LifecycleEvent[] {
  if (previous === environment.status) return [];
  return [
    event(
      `environment.${environment.status}`,
      environment,
      time,
      { operation_id: operationId },
      {
        name: environment.name,
        status: environment.status,
        previous_status: previous,
        ...(environment.error ? { error: environment.error } : {}),
        ...(environment.status === 'running' ? { base_url: environment.base_url } : {}),
      },
    ),
  ];
}

export function operationStartedEvent(
  environment: EnvironmentRecord,
  operation: OperationRecord,
): LifecycleEvent {
  return event(
    'operation.started',
    environment,
    operation.started_at,
    { operation_id: operation.id },
    {
      kind: operation.kind,
      attempt: operation.attempt,
      requested_by: operation.requested_by,
      reason: operation.reason,
    },
  );
}

/** How an operation can end: as its run settles it, or, waiting for approval, rejected or expired. */
export type EndedOperationStatus = 'succeeded' | 'failed' | 'cancelled' | 'rejected' | 'expired';

/** An operation ended; `duration_seconds` feeds the average provisioning time. */
export function operationFinishedEvent(
  environment: EnvironmentRecord,
  operation: OperationRecord,
  result: { status: EndedOperationStatus; outcome?: string | null; error: string | null },
  time: string,
): LifecycleEvent {
  const seconds = Math.max(0, (Date.parse(time) - Date.parse(operation.started_at)) / 1000);
  return event(
    'operation.finished',
    environment,
    time,
    { operation_id: operation.id },
    {
      kind: operation.kind,
      status: result.status,
      outcome: result.outcome ?? null,
      error: result.error,
      duration_seconds: Math.round(seconds * 1000) / 1000,
    },
  );
}

/** The TTL sweeper's warning, once per expiry time. */
export function environmentExpiringEvent(environment: EnvironmentRecord, time: string): LifecycleEvent {
  const minutes = Math.max(
    0,
    Math.round((Date.parse(environment.expires_at ?? time) - Date.parse(time)) / 60_000),
  );
  return event(
    'environment.expiring',
    environment,
    time,
    {},
    { name: environment.name, expires_at: environment.expires_at, minutes_left: minutes },
  );
}

/** A refresh found resources changed outside the platform. */
export function driftDetectedEvent(
  environment: EnvironmentRecord,
  time: string,
  stacks: { stack: string; changes: number }[],
  remediation: string | null,
): LifecycleEvent {
  return event(
    'environment.drift_detected',
    environment,
    time,
    { operation_id: remediation },
    { name: environment.name, stacks, remediation_operation_id: remediation },
  );
}

/** A deployment started or ended. */
export function deploymentEvent(
  type: Extract<EventType, `deployment.${string}`>,
  environment: Pick<EnvironmentRecord, 'id' | 'project_id' | 'owner_id'>,
  deploymentId: string,
  time: string,
  detail: Record<string, unknown>,
): LifecycleEvent {
  return event(type, environment, time, { deployment_id: deploymentId }, detail);
}

/** An operation began: the environment left `previous` for the operation's active status. */
export function operationBeganEvents(
  environment: EnvironmentRecord,
  previous: EnvironmentStatusValue | null,
  operation: OperationRecord,
): LifecycleEvent[] {
  return [
    ...environmentStatusEvents(environment, previous, operation.started_at, operation.id),
    operationStartedEvent(environment, operation),
  ];
}

/**
 * An operation of a protected environment was recorded and waits for an approver: the
 * environment moved from `previous` to `awaiting_approval` (nothing else changed).
 */
export function awaitingApprovalEvents(
  environment: EnvironmentRecord,
  previous: EnvironmentStatusValue,
  operation: OperationRecord,
): LifecycleEvent[] {
  return [
    ...environmentStatusEvents(environment, previous, operation.started_at, operation.id),
    event(
      'operation.awaiting_approval',
      environment,
      operation.started_at,
      { operation_id: operation.id },
      {
        name: environment.name,
        kind: operation.kind,
        requested_by: operation.requested_by,
        reason: operation.approval?.reason ?? null,
        expires_at: operation.approval?.expires_at ?? null,
        plan: operation.plan?.summary ?? null,
      },
    ),
  ];
}

/** An approver answered: approved (the run goes on) or rejected (nothing changed). */
export function approvalAnsweredEvent(
  type: 'operation.approved' | 'operation.rejected',
  environment: Pick<EnvironmentRecord, 'id' | 'project_id' | 'owner_id'>,
  operation: OperationRecord,
  answer: { by: string; byName: string | null; comment: string | null; at: string },
): LifecycleEvent {
  return event(
    type,
    environment,
    answer.at,
    { operation_id: operation.id },
    {
      kind: operation.kind,
      requested_by: operation.requested_by,
      answered_by: answer.by,
      answered_by_name: answer.byName,
      comment: answer.comment,
    },
  );
}

/** An operation ended and left its environment (as it was while it ran) in `result.environmentStatus`. */
export function operationEndedEvents(
  environment: EnvironmentRecord,
  operation: OperationRecord,
  result: {
    operationStatus: EndedOperationStatus;
    environmentStatus: EnvironmentStatusValue;
    outcome?: string | null;
    error: string | null;
    baseUrl?: string | null;
    at: string;
  },
): LifecycleEvent[] {
  const after: EnvironmentRecord = {
    ...environment,
    status: result.environmentStatus,
    error: result.environmentStatus === 'failed' ? result.error : null,
    base_url: result.baseUrl ?? environment.base_url,
  };
  return [
    operationFinishedEvent(
      environment,
      operation,
      { status: result.operationStatus, outcome: result.outcome ?? null, error: result.error },
      result.at,
    ),
    ...environmentStatusEvents(after, environment.status, result.at, operation.id),
  ];
}

// ---------------------------------------------------------------- metrics

/** The counters kept per hour (`GET /metrics` sums the hours of a period). */
export const HOURLY_COUNTERS = [
  'operations_started',
  'operations_succeeded',
  'operations_failed',
  'operations_cancelled',
  'provisions_succeeded',
  'provisioning_seconds',
  'deployments_started',
  'deployments_succeeded',
  'deployments_failed',
  'deployments_rolled_back',
] as const;
export type HourlyCounter = (typeof HOURLY_COUNTERS)[number];

export interface MetricDeltas {
  /** Additions to this hour's counters. */
  hourly: Partial<Record<HourlyCounter, number>>;
  /** Additions to the live count of environments per status (a move is −1 and +1). */
  statuses: Partial<Record<EnvironmentStatusValue, number>>;
}

/** The hour an event counts in: `2026-11-22T10`. */
export function hourOf(time: string): string {
  return time.slice(0, 13);
}

/** How one event moves the counters. */
export function metricDeltas(e: LifecycleEvent): MetricDeltas {
  const hourly: MetricDeltas['hourly'] = {};
  const statuses: MetricDeltas['statuses'] = {};
  const detail = e.detail;
  if (
    e.type.startsWith('environment.') &&
    e.type !== 'environment.expiring' &&
    e.type !== 'environment.drift_detected'
  ) {
    const to = detail.status as EnvironmentStatusValue;
    const from = detail.previous_status as EnvironmentStatusValue | null;
    statuses[to] = 1;
    if (from && from !== to) statuses[from] = -1;
  }
  switch (e.type) {
    case 'operation.started':
      hourly.operations_started = 1;
      break;
    case 'operation.finished': {
      const status = detail.status as EndedOperationStatus;
      // A rejected or expired operation never ran: the hourly counters are of runs.
      if (status === 'rejected' || status === 'expired') break;
      hourly[`operations_${status}`] = 1;
      if (detail.kind === 'provision' && status === 'succeeded') {
        hourly.provisions_succeeded = 1;
        hourly.provisioning_seconds = Number(detail.duration_seconds) || 0;
      }
      break;
    }
    case 'deployment.started':
      hourly.deployments_started = 1;
      break;
    case 'deployment.succeeded':
      hourly.deployments_succeeded = 1;
      break;
    case 'deployment.failed':
      hourly.deployments_failed = 1;
      break;
    case 'deployment.rolled_back':
      hourly.deployments_rolled_back = 1;
      break;
    default:
      break;
  }
  return { hourly, statuses };
}
