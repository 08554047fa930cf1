/**
 * The entry point of a step function: one Lambda function serves every step of a group
 * (see `step-list.ts`). The ASL names the step in the task payload (`{"step": …,
 * "input": …}`); the step's handler gets `input`, exactly what it got when each step was
 * its own function, and its result (or error, whose name Retry and Catch match) is
 * returned unchanged.
 */
import type { Context } from 'aws-lambda';
import { correlationKeys, logger, withLogContext } from '../platform/observability.ts';
import { mapStackTrace } from '../platform/stack-traces.ts';
import type { StepName, StepPayload } from './step-list.ts';

/**
 * A step's handler, as its own module exports it. Each step takes its own payload type;
 * `never` as the parameter type accepts them all (the dispatcher only forwards the input).
 */
type StepHandler = (input: never, context: Context) => Promise<unknown>;

/** The payload did not name a step of this function: a wiring defect between the ASL and the code. */
export class UnknownStepError extends Error {
  constructor(group: string, step: unknown) {
    super(`Function ${group} has no step ${JSON.stringify(step)}`);
    this.name = 'UnknownStepError';
  }
}

function isStepPayload(event: unknown): event is StepPayload {
  return (
    typeof event === 'object' && event !== null && typeof (event as { step?: unknown }).step === 'string'
  );
}

/** Builds the handler of a step function from its steps' handlers. */
export function stepDispatcher<S extends StepName>(
  group: string,
  steps: Record<S, StepHandler>,
): (event: unknown, context: Context) => Promise<unknown> {
  const table = new Map<string, StepHandler>(Object.entries(steps));
  return async (event, context) => {
    if (!isStepPayload(event)) throw new UnknownStepError(group, undefined);
    const handler = table.get(event.step);
    if (!handler) throw new UnknownStepError(group, event.step);
    const keys = correlationKeys(event.input);
    // A run's steps share its correlation id: the operation or deployment it is about.
    const correlationId = keys.operation_id ?? keys.deployment_id;
    return withLogContext(context, correlationId, { step: event.step, ...keys }, async () => {
      const started = performance.now();
      try {
        // The ASL's payload for this step: its type is the step's contract (contracts.ts).
        const output = await handler(event.input as never, context);
        logger.debug('Step done', { duration_ms: Math.round(performance.now() - started) });
        return output;
      } catch (error) {
        // Retry and Catch in the state machine decide what happens next; the log says why.
        mapStackTrace(error);
        logger.info('Step failed', {
          error: error as Error,
          duration_ms: Math.round(performance.now() - started),
        });
        throw error;
      }
    });
  };
}
