/**
 * Like Step Functions on the default event bus, the "Step Functions Execution Status
 * Change" event (the EventBridge event, same shape) of every execution that ends FAILED,
 * TIMED_OUT or ABORTED, delivered to the `onStatusChange` option.
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionDescription, ExecutionStatus, ExecutionStatusChangeEvent } from './api.ts';

/** The statuses for which an {@link ExecutionStatusChangeEvent} is emitted (what the reconciler's rule matches). */
export const EMITTED_STATUSES: readonly ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/** `promise`, or a rejection once `ms` have passed (as Lambda ends an invocation at its timeout). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Task timed out after ${(ms / 1000).toFixed(2)} seconds`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The EventBridge "Execution Status Change" event of an execution, as Step Functions emits it. */
function statusChangeEvent(
  execution: ExecutionDescription,
  where: { region: string; accountId: string },
): ExecutionStatusChangeEvent {
  const time = execution.stopDate ?? new Date();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: where.accountId,
    // EventBridge event times have no fraction of a second.
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: where.region,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime(),
      stopDate: execution.stopDate?.getTime() ?? null,
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output ?? null,
      outputDetails: execution.output === undefined ? null : { included: true },
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}

/** What {@link createStatusChangeEmitter} needs to know. */
export interface StatusChangeEmitterOptions {
  region: string;
  accountId: string;
  /** The listener (the `onStatusChange` option); without one, nothing is emitted. */
  onStatusChange?: (event: ExecutionStatusChangeEvent) => Promise<void> | void;
  /** How long one delivery may take. */
  timeoutMs: number;
  /** True once the stand-in is stopped: nothing more is emitted. */
  isClosed: () => boolean;
}

/** Delivers the status changes of one stand-in. */
export interface StatusChangeEmitter {
  /**
   * Emits a closed execution's "Execution Status Change" event to `onStatusChange`, if the
   * status is one the reconciler's rule matches. Asynchronously, as EventBridge delivers it:
   * the call that changed the status (StopExecution, the end of a run) never waits for it.
   */
  emit(execution: ExecutionDescription): void;
  /** Resolves once the deliveries in flight are over (however they ended). */
  drain(): Promise<void>;
}

export function createStatusChangeEmitter(options: StatusChangeEmitterOptions): StatusChangeEmitter {
  const { region, accountId, timeoutMs, isClosed } = options;
  /** Status-change deliveries in flight: stop() waits for them. */
  const deliveries = new Set<Promise<void>>();

  const emit = (record: ExecutionDescription): void => {
    const onStatusChange = options.onStatusChange;
    if (!onStatusChange || isClosed() || !EMITTED_STATUSES.includes(record.status)) return;
    const event = statusChangeEvent(record, { region, accountId });
    const delivery: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => withTimeout(Promise.resolve(onStatusChange(event)), timeoutMs))
      .catch((error: unknown) => {
        console.error(
          `[stepfunctions] the status change handler failed on ${record.executionArn} (${record.status}):`,
          error,
        );
      })
      .finally(() => {
        deliveries.delete(delivery);
      });
    deliveries.add(delivery);
  };

  return {
    emit,
    drain: async () => {
      await Promise.allSettled([...deliveries]);
    },
  };
}
