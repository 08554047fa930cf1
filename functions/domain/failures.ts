/**
 * Simulated failures (`parameters.simulate`). Deterministic: the same environment,
 * stack, operation kind, attempt and try always give the same answer, so a failing run
 * can be reproduced; a retry (attempt + 1) draws afresh, and so does an update after the
 * provision.
 */

import type { SimulateParametersInput } from './parameters.ts';
import { createRng } from './random.ts';
import { STACK_CATALOG } from './stacks/registry.ts';

/** A stack that cannot be created or deleted: recorded as failed, with this message. */
export class StackFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackFailedError';
  }
}

/**
 * A passing error (API throttling, eventual consistency): the state machine retries the
 * step with backoff and jitter; only when retries run out does the stack fail.
 */
export class TransientStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientStackError';
  }
}

export interface FailureDraw {
  environmentId: string;
  stack: string;
  action: 'provision' | 'destroy';
  /** The operation's kind: a provision and a later update draw independently. */
  kind: string;
  /** The operation's attempt (1, then +1 per retry). */
  attempt: number;
  /** 1 for the step's first try, +1 each time the state machine retries it. */
  tryNumber: number;
  simulate: SimulateParametersInput | undefined;
}

const PERMANENT_REASONS = {
  provision: [
    'InsufficientCapacity: not enough capacity in the requested Availability Zone',
    'LimitExceeded: account limit reached for this resource type',
    'InvalidParameterCombination: the requested configuration is not supported',
    'AccessDenied: the execution role is missing a required permission',
  ],
  destroy: [
    'DependencyViolation: the resource has a dependent object',
    'ResourceInUse: the resource is still attached',
    'AccessDenied: the execution role is missing a required permission',
  ],
} as const;

const TRANSIENT_REASONS = [
  'Throttling: Rate exceeded',
  'RequestLimitExceeded: Request limit exceeded',
  'ServiceUnavailable: the service is temporarily unavailable',
] as const;

/** The resource a failure message names: the stack's most significant (first) resource type. */
function subject(stack: string): string {
  return STACK_CATALOG[stack]?.resourceTypes[0] ?? stack;
}

/** Throws the simulated failure for this draw, if there is one. */
export function throwSimulatedFailure(draw: FailureDraw): void {
  const simulate = draw.simulate;
  if (!simulate) return;
  const verb = draw.action === 'provision' ? 'creating' : 'deleting';
  const always = draw.action === 'provision' ? simulate.fail_stacks : simulate.fail_destroy_stacks;
  const rng = createRng(
    `failure|${draw.environmentId}|${draw.stack}|${draw.action}|${draw.kind}|${draw.attempt}`,
  );
  const permanentRoll = rng.next();
  const reason = rng.pick(PERMANENT_REASONS[draw.action]);
  const rate = draw.action === 'provision' ? (simulate.failure_rate ?? 0) : 0;
  if (always?.includes(draw.stack) || permanentRoll < rate) {
    throw new StackFailedError(`Simulated failure ${verb} ${subject(draw.stack)}: ${reason}`);
  }
  const transientRate = simulate.transient_failure_rate ?? 0;
  const tryRng = createRng(
    `transient|${draw.environmentId}|${draw.stack}|${draw.action}|${draw.kind}|${draw.attempt}|${draw.tryNumber}`,
  );
  if (tryRng.next() < transientRate) {
    throw new TransientStackError(
      `Simulated transient error ${verb} ${subject(draw.stack)}: ${tryRng.pick(TRANSIENT_REASONS)}`,
    );
  }
}
