/**
 * A run's live stream (docs/decisions.md §37): who may open it (the run's read rules: 404 for
 * what is missing or not yours), and one poll of what the run recorded since the last event
 * sent: its new log lines (as typed events), its progress when it moved, and its end once the
 * record is final and every line before the end was sent.
 */
import type { Principal } from '../access.ts';
import type { DeploymentStore, EnvironmentStore, LogStore, OperationStore } from '../ports.ts';
import { endEvent, eventOfLog, progressEvent, type RunEvent } from '../run-events.ts';
import { getDeployment } from './deployments.ts';
import { getVisibleOperation } from './operation-views.ts';

/** What a stream reads. */
export interface RunStreamDeps {
  environments: EnvironmentStore;
  operations: OperationStore;
  deployments: DeploymentStore;
  logs: LogStore;
}

/** The run a stream follows. */
export type RunRef = { kind: 'operation'; id: string } | { kind: 'deployment'; id: string };

/** A run the caller may follow: where its lines are and from when. */
export interface OpenRun {
  ref: RunRef;
  environmentId: string;
  since: string;
}

/** Lines read per poll at most (a poll that reads this many polls again at once). */
export const LINES_PER_POLL = 200;

/**
 * How old a line must be before a running run's stream sends it. A line's key is its timestamp,
 * taken by the step before its write commits, so parallel stacks can commit a line with an
 * earlier key after one with a later key; a stream that sent the later one and resumed after it
 * would never send the earlier one. Lines younger than this wait for the next poll; once the run's
 * record is final every line is committed and all are sent.
 */
export const SETTLE_MS = 1_000;

// A run waiting for its approval is not over: rejected and expired ones are.
const FINAL_OPERATION = new Set(['succeeded', 'failed', 'cancelled', 'rejected', 'expired']);
const FINAL_DEPLOYMENT = new Set(['succeeded', 'failed', 'rolled_back']);

/** Opens a run for the caller: 404 (NotFoundError) for an unknown id or another user's run. */
export async function openRun(deps: RunStreamDeps, principal: Principal, ref: RunRef): Promise<OpenRun> {
  if (ref.kind === 'operation') {
    const { operation } = await getVisibleOperation(deps, principal, ref.id);
    return { ref, environmentId: operation.environment_id, since: operation.started_at };
  }
  const deployment = await getDeployment(deps, principal, ref.id);
  return { ref, environmentId: deployment.environment_id, since: deployment.created_at };
}

/** Where a stream is: the last line sent, the last progress sent (as JSON), whether it ended. */
export interface StreamCursor {
  lastLogId: string | undefined;
  lastProgress: string | undefined;
  ended: boolean;
}

/** The run's record now: its status, progress and, once final, its end. */
async function recordOf(
  deps: RunStreamDeps,
  ref: RunRef,
): Promise<{ progress: Record<string, unknown> | undefined; final: Record<string, unknown> | undefined }> {
  if (ref.kind === 'operation') {
    const operation = await deps.operations.get(ref.id);
    if (!operation) return { progress: undefined, final: undefined };
    const progress = { status: operation.status, ...operation.progress };
    const final = FINAL_OPERATION.has(operation.status)
      ? {
          status: operation.status,
          outcome: operation.outcome,
          error: operation.error,
          finished_at: operation.finished_at,
          stacks: operation.stack_results,
          progress: operation.progress,
        }
      : undefined;
    return { progress, final };
  }
  const deployment = await deps.deployments.get(ref.id);
  if (!deployment) return { progress: undefined, final: undefined };
  const final = FINAL_DEPLOYMENT.has(deployment.status)
    ? { status: deployment.status, error: deployment.error, version: deployment.version }
    : undefined;
  return { progress: { status: deployment.status }, final };
}

/**
 * One poll: the events after `cursor`, and the cursor after them. The record is read before the
 * lines, so when it is final every line written with or before its end (in the same transaction)
 * is among the lines read after it: the end always comes after the run's last line.
 */
export async function pollRun(
  deps: RunStreamDeps,
  run: OpenRun,
  cursor: StreamCursor,
  now: number = Date.now(),
): Promise<{ events: RunEvent[]; cursor: StreamCursor; more: boolean }> {
  if (cursor.ended) return { events: [], cursor, more: false };
  const record = await recordOf(deps, run.ref);
  const lines = await deps.logs.linesAfter(
    run.environmentId,
    run.ref.kind === 'operation' ? { operation_id: run.ref.id } : { deployment_id: run.ref.id },
    cursor.lastLogId !== undefined ? { id: cursor.lastLogId } : { since: run.since },
    LINES_PER_POLL,
  );
  const read = lines.length;
  if (record.final === undefined) {
    const settled = lines.findIndex((line) => Date.parse(line.log.timestamp) > now - SETTLE_MS);
    if (settled >= 0) lines.splice(settled);
  }
  const events = lines.map(eventOfLog);
  const lastLogId = lines.at(-1)?.id ?? cursor.lastLogId;
  const more = lines.length >= LINES_PER_POLL && lines.length === read;
  let lastProgress = cursor.lastProgress;
  if (lastLogId !== undefined && record.progress && !more) {
    const progress = JSON.stringify(record.progress);
    if (progress !== lastProgress && lines.length > 0) {
      events.push(progressEvent(lastLogId, record.progress));
      lastProgress = progress;
    }
  }
  const ended = record.final !== undefined && !more;
  if (ended) events.push(endEvent(lastLogId ?? `${run.since}#${'0'.repeat(26)}`, record.final ?? {}));
  return { events, cursor: { lastLogId, lastProgress, ended }, more };
}
