/**
 * What a watch knows of a run: the record read once at the start (its layers and stacks), then
 * every stream event applied to it (decisions §39). Pure: no I/O, so the views only read it.
 */
import type { Deployment, Operation } from './source.ts';
import type { StreamEvent } from './stream.ts';

export interface StackView {
  name: string;
  layer: number;
  /** The record's status, or what the last event says (`provisioning`, `destroying`…). */
  status: string;
  /** When its step began and ended (the lines' timestamps, epoch ms). */
  startedAt: number | undefined;
  finishedAt: number | undefined;
  /** Settled in this run (finished, failed, skipped), or the run ended. */
  done: boolean;
  /** Why it failed or was skipped. */
  reason: string | undefined;
}

export interface OperationState {
  kind: 'operation';
  id: string;
  operationKind: Operation['kind'];
  environmentId: string;
  status: string;
  error: string | null;
  stacks: StackView[];
  /** The layers, in order, and when each began (a `layer.started` event, or its first stack). */
  layers: number[];
  layerStartedAt: Map<number, number>;
  ended: boolean;
}

export interface DeploymentState {
  kind: 'deployment';
  id: string;
  environmentId: string;
  status: string;
  error: string | null;
  /** The record's batches (re-read while the run goes on: the stream has no batch events). */
  batches: Deployment['batches'];
  ended: boolean;
}

export type RunState = OperationState | DeploymentState;

// A run waiting for its approval is not over: rejected and expired ones are.
const FINAL_OPERATION = new Set(['succeeded', 'failed', 'cancelled', 'rejected', 'expired']);
export const FINAL_DEPLOYMENT = new Set(['succeeded', 'failed', 'rolled_back', 'cancelled']);

export function operationState(op: Operation): OperationState {
  const ended = FINAL_OPERATION.has(op.status);
  // An operation awaiting approval has walked nothing yet: its plan names the stacks it will walk.
  const walked =
    op.stacks.length > 0 || !op.plan ? op.stacks : op.plan.stacks.map((s) => ({ ...s, status: 'pending' }));
  const stacks = walked.map((s) => ({
    name: s.name,
    layer: s.layer,
    status: s.status,
    startedAt: undefined,
    finishedAt: undefined,
    done: ended,
    reason: undefined,
  }));
  return {
    kind: 'operation',
    id: op.id,
    operationKind: op.kind,
    environmentId: op.environment_id,
    status: op.status,
    error: op.error,
    stacks,
    layers: [...new Set(stacks.map((s) => s.layer))].sort((a, b) => a - b),
    layerStartedAt: new Map(),
    ended,
  };
}

export function deploymentState(dep: Deployment): DeploymentState {
  return {
    kind: 'deployment',
    id: dep.id,
    environmentId: dep.environment_id,
    status: dep.status,
    error: dep.error,
    batches: dep.batches,
    ended: FINAL_DEPLOYMENT.has(dep.status),
  };
}

/** `Provisioning stack x` → `provisioning` (the verb of the line that started the stack). */
const STARTED_VERB = /^(\w+) stack /;
/** Stop and start finish a stack with a plain line (no `stack.finished` event for them). */
const STOPPED_OR_STARTED = /^(Stopped|Started) stack (\S+)$/;

interface Line {
  timestamp?: string;
  stack?: string | null;
  message?: string;
}

const lineOf = (event: StreamEvent): Line =>
  typeof event.data.line === 'object' && event.data.line !== null ? (event.data.line as Line) : {};
const timeOf = (line: Line): number | undefined => {
  const at = line.timestamp === undefined ? Number.NaN : Date.parse(line.timestamp);
  return Number.isNaN(at) ? undefined : at;
};
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Applies one event of the stream to the state (in place). */
export function applyEvent(state: RunState, event: StreamEvent): void {
  const { data } = event;
  if (event.type === 'end') {
    state.ended = true;
    state.status = text(data.status) ?? state.status;
    state.error = text(data.error) ?? null;
    if (state.kind === 'operation') {
      const finals = typeof data.stacks === 'object' && data.stacks !== null ? data.stacks : {};
      for (const stack of state.stacks) {
        const status = text((finals as Record<string, unknown>)[stack.name]);
        if (status) stack.status = status;
        stack.done = true;
      }
    }
    return;
  }
  if (event.type === 'progress') {
    if (!state.ended) state.status = text(data.status) ?? state.status;
    return;
  }
  if (state.kind !== 'operation') return;
  const line = lineOf(event);
  const at = timeOf(line);
  if (event.type === 'layer.started') {
    // Its `layer` counts in walk order (downwards for a destroy): the stacks it names tell which it is.
    const names = Array.isArray(data.stacks) ? data.stacks : [];
    const layer = state.stacks.find((s) => names.includes(s.name))?.layer;
    if (layer !== undefined && at !== undefined && !state.layerStartedAt.has(layer)) {
      state.layerStartedAt.set(layer, at);
    }
    return;
  }
  const name =
    text(data.stack) ?? (event.type === 'log' ? STOPPED_OR_STARTED.exec(line.message ?? '')?.[2] : undefined);
  const stack = state.stacks.find((s) => s.name === name);
  if (!stack) return;
  switch (event.type) {
    case 'stack.started': {
      stack.status = (STARTED_VERB.exec(line.message ?? '')?.[1] ?? 'running').toLowerCase();
      stack.startedAt = at;
      stack.finishedAt = undefined;
      stack.done = false;
      if (at !== undefined && !state.layerStartedAt.has(stack.layer))
        state.layerStartedAt.set(stack.layer, at);
      return;
    }
    case 'stack.finished':
      settle(stack, text(data.action) ?? 'provisioned', at, undefined);
      return;
    case 'stack.failed':
      settle(stack, 'failed', at, text(data.error));
      return;
    case 'stack.skipped':
      settle(stack, 'skipped', at, text(data.reason));
      return;
    case 'log': {
      const verb = STOPPED_OR_STARTED.exec(line.message ?? '')?.[1];
      if (verb) settle(stack, verb === 'Stopped' ? 'stopped' : 'provisioned', at, undefined);
      return;
    }
    default:
      return;
  }
}

function settle(stack: StackView, status: string, at: number | undefined, reason: string | undefined): void {
  stack.status = status;
  stack.finishedAt = at;
  stack.done = true;
  stack.reason = reason;
}

/** `12.3s`: how long a stack has taken (so far, when it still runs). */
export function elapsed(stack: Pick<StackView, 'startedAt' | 'finishedAt'>, now = Date.now()): string {
  if (stack.startedAt === undefined) return '';
  const ms = Math.max(0, (stack.finishedAt ?? now) - stack.startedAt);
  return `${(ms / 1000).toFixed(1)}s`;
}
