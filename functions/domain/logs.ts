/**
 * Log events of an environment's operations: the lines the workflow steps write as a
 * stack or an operation moves on (pure builders; the steps append them through the
 * `LogStore`), and how an event is presented.
 */

import type { LogRecord, SimulatedResource } from './model.ts';
import type { OperationKindValue } from './vocabulary.ts';

type Level = LogRecord['level'];

/** What a step does to a stack. */
export type StackAction = 'provision' | 'update' | 'destroy' | 'stop' | 'start';

/** How an operation ended (or that it started). */
export type OperationPhase = 'started' | 'succeeded' | 'failed' | 'cancelled';

const ACTION_VERBS: Record<StackAction, string> = {
  provision: 'Provisioning',
  update: 'Updating',
  destroy: 'Destroying',
  stop: 'Stopping',
  start: 'Starting',
};

/** One log event. */
export function logEvent(
  environmentId: string,
  operationId: string | null,
  stack: string | null,
  level: Level,
  message: string,
  at: string,
): LogRecord {
  return { environment_id: environmentId, operation_id: operationId, stack, level, message, timestamp: at };
}

/**
 * How a resource is named in a log line: its physical id, or its logical id when the
 * physical id says nothing on its own (empty, or a composite like an association's `a|b`).
 */
export function resourceLabel(resource: Pick<SimulatedResource, 'id' | 'logical_id'>): string {
  const id = resource.id.trim();
  return id === '' || id.includes('|') ? resource.logical_id : id;
}

/** `Provisioning stack network` (or Updating, Destroying, Stopping, Starting). */
export function stackStartedLogs(
  environmentId: string,
  operationId: string | null,
  stack: string,
  action: StackAction,
  at: string,
): LogRecord[] {
  return [logEvent(environmentId, operationId, stack, 'INFO', `${ACTION_VERBS[action]} stack ${stack}`, at)];
}

/** One `Created AWS::EC2::VPC vpc-…` line per resource, in creation order, then a summary. */
export function stackProvisionedLogs(
  environmentId: string,
  operationId: string | null,
  stack: string,
  resources: readonly SimulatedResource[],
  at: string,
): LogRecord[] {
  return [
    ...resources.map((r) =>
      logEvent(environmentId, operationId, stack, 'INFO', `Created ${r.type} ${resourceLabel(r)}`, at),
    ),
    logEvent(
      environmentId,
      operationId,
      stack,
      'INFO',
      `Stack ${stack} provisioned (${plural(resources.length, 'resource')})`,
      at,
    ),
  ];
}

/** One `Deleted …` line per resource, in reverse creation order (dependants first), then a summary. */
export function stackDestroyedLogs(
  environmentId: string,
  operationId: string | null,
  stack: string,
  resources: readonly SimulatedResource[],
  at: string,
): LogRecord[] {
  return [
    ...[...resources]
      .reverse()
      .map((r) =>
        logEvent(environmentId, operationId, stack, 'INFO', `Deleted ${r.type} ${resourceLabel(r)}`, at),
      ),
    logEvent(
      environmentId,
      operationId,
      stack,
      'INFO',
      `Stack ${stack} destroyed (${plural(resources.length, 'resource')})`,
      at,
    ),
  ];
}

/**
 * `Layer 2 started: network, security` as a walk enters a layer (`Rollback of layer 2 started: …`
 * in a rollback), naming the stacks that run in it; the stream makes it a `layer.started` event.
 */
export function layerStartedLogs(
  environmentId: string,
  operationId: string,
  layer: number,
  stacks: readonly string[],
  rollback: boolean,
  at: string,
): LogRecord[] {
  const what = rollback ? `Rollback of layer ${layer}` : `Layer ${layer}`;
  return [logEvent(environmentId, operationId, null, 'INFO', `${what} started: ${stacks.join(', ')}`, at)];
}

/** `Stack network failed: <message>` (ERROR). */
export function stackFailedLogs(
  environmentId: string,
  operationId: string | null,
  stack: string,
  message: string,
  at: string,
): LogRecord[] {
  return [logEvent(environmentId, operationId, stack, 'ERROR', `Stack ${stack} failed: ${message}`, at)];
}

/** `Stack services-api skipped: <reason>` (WARN), e.g. a dependency failed under `on_failure: keep`. */
export function stackSkippedLogs(
  environmentId: string,
  operationId: string | null,
  stack: string,
  reason: string,
  at: string,
): LogRecord[] {
  return [logEvent(environmentId, operationId, stack, 'WARN', `Stack ${stack} skipped: ${reason}`, at)];
}

/**
 * An operation's start or end: INFO when it starts or succeeds, ERROR when it fails,
 * WARN when it was cancelled. `detail` (the reason, a summary) is appended after a colon.
 */
export function operationLogs(
  environmentId: string,
  operationId: string,
  kind: OperationKindValue,
  phase: OperationPhase,
  at: string,
  detail?: string,
): LogRecord[] {
  const level: Level = phase === 'failed' ? 'ERROR' : phase === 'cancelled' ? 'WARN' : 'INFO';
  const message = `Operation ${operationId} (${kind}) ${phase}${detail ? `: ${detail}` : ''}`;
  return [logEvent(environmentId, operationId, null, level, message, at)];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The API's `LogEvent`. */
export function presentLogEvent(event: LogRecord) {
  return {
    timestamp: event.timestamp,
    level: event.level,
    operation_id: event.operation_id,
    deployment_id: event.deployment_id ?? null,
    stack: event.stack,
    message: event.message,
  };
}
