/**
 * The events of a run's live stream (GET /operations/{op_id}/stream and
 * GET /deployments/{deployment_id}/stream, issue 12): derived from what the run records, never a
 * second source of truth (docs/decisions.md §37). Each log line the workflow writes becomes one
 * event, typed by the builder that wrote it (`logs.ts`); its id is the line's sort key in the
 * table (`<ISO timestamp>#<monotonic ulid>`), so ids increase in the order the lines were
 * written and a reconnect with `Last-Event-ID` resumes with a key condition after it. Events
 * that report the run's record rather than a line (its progress after a batch of lines, its end)
 * take the id of the last line before them with a suffix (`.p`, `.z`) that sorts after that
 * line and before the next one. Pure: no AWS, no HTTP.
 */
import type { LogRecord } from './model.ts';

/** The kinds of event a run's stream carries. */
export const RUN_EVENT_TYPES = [
  'operation.started',
  'layer.started',
  'stack.started',
  'stack.finished',
  'stack.failed',
  'stack.skipped',
  'log',
  'progress',
  'end',
  'reconnect',
] as const;

export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** One event of the stream: its SSE `id:`, `event:` and the JSON of its `data:`. */
export interface RunEvent {
  id: string;
  type: RunEventType;
  data: Record<string, unknown>;
}

/** A log line with the id of its item (its sort key without `LOG#`). */
export interface IdentifiedLog {
  id: string;
  log: LogRecord;
}

/** Suffixes of the events derived from the run's record; both sort after their line's id. */
const PROGRESS_SUFFIX = '.p';
const END_SUFFIX = '.z';

/** A log item's id: `2026-12-01T04:00:00.000Z#01jf…` (26 lower-case ULID characters). */
const LOG_ID = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z#[0-9a-z]{26}$/;
const EVENT_ID = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z#[0-9a-z]{26})(\.p|\.z)?$/;

/** Whether `id` is a log item's id. */
export function isLogId(id: string): boolean {
  return LOG_ID.test(id);
}

/**
 * Where a stream resumes from a `Last-Event-ID`: the id of the last line the client has (the
 * next lines are those after it), and whether it had the end already. `undefined` for an id this
 * stream never sent (it then starts from the beginning, as for no header).
 */
export function resumePoint(
  lastEventId: string | undefined,
): { afterLogId: string; ended: boolean } | undefined {
  if (lastEventId === undefined) return undefined;
  const match = EVENT_ID.exec(lastEventId.trim());
  if (!match?.[1]) return undefined;
  return { afterLogId: match[1], ended: match[2] === END_SUFFIX };
}

const STACK_STARTED = /^(?:Provisioning|Updating|Destroying|Stopping|Starting) stack (\S+)$/;
const STACK_FINISHED = /^Stack (\S+) (provisioned|destroyed) \((\d+) resources?\)$/;
const STACK_FAILED = /^Stack (\S+) failed: ([\s\S]*)$/;
const STACK_SKIPPED = /^Stack (\S+) skipped: ([\s\S]*)$/;
const OPERATION_STARTED = /^Operation (\S+) \((\S+)\) started$/;
const LAYER_STARTED = /^(Rollback of layer|Layer) (\d+) started: (.+)$/;

/** The line as the API presents it (`LogEvent`), in every event made from a line. */
function lineOf(log: LogRecord) {
  return {
    timestamp: log.timestamp,
    level: log.level,
    stack: log.stack,
    message: log.message,
  };
}

/**
 * The event a log line stands for: the lines of `logs.ts`'s builders are recognised by their
 * exact wording (`stackStartedLogs`, `stackProvisionedLogs`, …); any other line is a `log`.
 * Every event keeps the line (`line`) so no information is lost.
 */
export function eventOfLog({ id, log }: IdentifiedLog): RunEvent {
  const line = lineOf(log);
  const message = log.message;
  const started = OPERATION_STARTED.exec(message);
  if (started && log.stack === null) {
    return { id, type: 'operation.started', data: { operation_id: started[1], kind: started[2], line } };
  }
  const layer = LAYER_STARTED.exec(message);
  if (layer && log.stack === null) {
    const data = {
      layer: Number(layer[2]),
      phase: layer[1] === 'Layer' ? 'walk' : 'rollback',
      stacks: (layer[3] ?? '').split(', '),
      line,
    };
    return { id, type: 'layer.started', data };
  }
  if (log.stack !== null) {
    const stackStarted = STACK_STARTED.exec(message);
    if (stackStarted) return { id, type: 'stack.started', data: { stack: log.stack, line } };
    const finished = STACK_FINISHED.exec(message);
    if (finished) {
      return {
        id,
        type: 'stack.finished',
        data: { stack: log.stack, action: finished[2], resources: Number(finished[3]), line },
      };
    }
    const failed = STACK_FAILED.exec(message);
    if (failed) return { id, type: 'stack.failed', data: { stack: log.stack, error: failed[2], line } };
    const skipped = STACK_SKIPPED.exec(message);
    if (skipped) return { id, type: 'stack.skipped', data: { stack: log.stack, reason: skipped[2], line } };
  }
  return { id, type: 'log', data: { line } };
}

/** The run's progress after the line `afterLogId` (its record, read after that line). */
export function progressEvent(afterLogId: string, progress: Record<string, unknown>): RunEvent {
  return { id: `${afterLogId}${PROGRESS_SUFFIX}`, type: 'progress', data: progress };
}

/** The run's end, after its last line: its final status (and its record's summary). */
export function endEvent(afterLogId: string, final: Record<string, unknown>): RunEvent {
  return { id: `${afterLogId}${END_SUFFIX}`, type: 'end', data: final };
}

/**
 * The stream's last event when it closes before the run ends (a function's time is bounded):
 * the client reconnects with the `Last-Event-ID` it has. It has no id of its own, so the
 * client's last id stays the last real event's.
 */
export function reconnectEvent(retryMs: number): RunEvent {
  return { id: '', type: 'reconnect', data: { retry_ms: retryMs } };
}
