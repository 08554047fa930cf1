/**
 * Failures: the reason a user is shown for an error a step or an execution ended with, and
 * `fail-operation`, the state machines' catch-all.
 */

import { endUnapproved } from './approval.ts';
import type { FailureInput } from './contracts.ts';
import type { WorkflowDeps } from './run.ts';
import { settleAbnormally } from './settle.ts';

/** Errors whose message is written for users; anything else is reported generically. */
const USER_FACING_ERRORS = new Set([
  'StaleOperationError',
  'StackFailedError',
  'TransientStackError',
  'HealthCheckFailedError',
]);

/** The reason shown on a stack, operation or environment, without internals. */
export function failureReason(error: FailureInput['error']): string {
  const type = error?.Error ?? 'Error';
  if (USER_FACING_ERRORS.has(type) && error?.Cause) {
    let message = error.Cause;
    try {
      const cause = JSON.parse(error.Cause) as { errorMessage?: unknown };
      if (typeof cause.errorMessage === 'string') message = cause.errorMessage;
    } catch {
      // A plain-text cause is the message itself.
    }
    const suffix = type === 'TransientStackError' ? ' (still failing after retries)' : '';
    return `${message.slice(0, 480)}${suffix}`;
  }
  if (type === 'States.Timeout' || type === 'Sandbox.Timedout') return 'The step timed out';
  return 'The operation failed because of an internal error';
}

/**
 * The catch-all: an unexpected error ended the execution. Settles the operation as
 * failed and, if it still holds the environment, the environment too.
 */
export async function failOperation(deps: WorkflowDeps, input: FailureInput): Promise<{ status: string }> {
  const { environment, operation } = await deps.operations.getWithEnvironment(
    input.environment_id,
    input.operation_id,
  );
  if (environment && operation?.status === 'awaiting_approval' && operation.approval) {
    await endUnapproved(deps, environment, operation, {
      status: 'failed',
      approval: 'cancelled',
      reason: `${failureReason(input.error)} while awaiting approval; nothing was changed`,
    });
    return { status: 'failed' };
  }
  if (!environment || !operation || operation.status !== 'running') return { status: 'already-settled' };
  await settleAbnormally(deps, environment, operation, {
    status: 'failed',
    reason: failureReason(input.error),
  });
  return { status: 'failed' };
}
