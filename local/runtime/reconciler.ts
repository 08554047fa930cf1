/**
 * An execution that ends FAILED, TIMED_OUT or ABORTED is reported, as the EventBridge
 * "Step Functions Execution Status Change" event, to the same reconciler AWS runs as the
 * rule's target (`functions/events/reconcile-execution.ts`), so no record stays in a
 * transitional status locally either.
 */
import { resolve } from 'node:path';
import { invokeInScope, lambdaContext } from '../lambda-context.ts';
import type { ExecutionStatusChangeEvent } from '../stepfunctions.ts';
import { DEFAULT_EVENTS_DIR, lazyHandler } from './lazy-handler.ts';

/** The target of the rule on execution status changes (see `lib/reconciler.ts`). */
const RECONCILER = 'reconcile-execution';
/** Its Lambda timeout in AWS. */
const RECONCILER_TIMEOUT_MS = 30_000;

/**
 * The reconciler as the EventBridge rule of `lib/reconciler.ts` invokes it, for the Step
 * Functions stand-in's `onStatusChange`: `<eventsDir>/reconcile-execution.ts` imported on
 * the first event (so after the handlers' environment is set), then called like Lambda
 * calls it, with a context. A module that fails to load is imported again on the next event.
 */
export function localReconciler(
  options: { eventsDir?: string; region?: string; quiet?: boolean } = {},
): (event: ExecutionStatusChangeEvent) => Promise<void> {
  const load = lazyHandler(resolve(options.eventsDir ?? DEFAULT_EVENTS_DIR, `${RECONCILER}.ts`));
  const region = options.region ?? 'us-east-1';
  return async (event) => {
    const handler = await load();
    const context = lambdaContext({
      functionName: RECONCILER,
      region,
      accountId: event.account,
      timeoutMs: RECONCILER_TIMEOUT_MS,
    });
    const result = await invokeInScope(context, undefined, () => handler(event, context));
    if (!options.quiet) {
      const outcome = (result as { status?: unknown } | null | undefined)?.status;
      console.log(
        `[events] ${RECONCILER}: ${event.detail.name} ${event.detail.status}${outcome === undefined ? '' : ` → ${String(outcome)}`}`,
      );
    }
  };
}
