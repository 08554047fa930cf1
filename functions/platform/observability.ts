/**
 * Structured logging (Powertools Logger), one instance per container. Log level comes
 * from POWERTOOLS_LOG_LEVEL; the service name from POWERTOOLS_SERVICE_NAME. Entry points
 * add the Lambda context and a correlation id (the API request id, or the run's
 * operation or deployment id) to every line; see `route-dispatch.ts`, `http.ts` and
 * `steps/dispatch.ts`.
 *
 * Tracing (`tracer.ts`) and metrics (`metrics.ts`) live in their own modules, so a
 * function that calls no AWS service or publishes no event does not carry them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { mapStackTrace } from './stack-traces.ts';

/** The service every log line, trace and metric is reported under. */
export const SERVICE_NAME = process.env.POWERTOOLS_SERVICE_NAME ?? 'env-provisioning';

export const logger = new Logger({ serviceName: SERVICE_NAME });

/** The ids a log line is about, under their field names (absent ones are left out). */
export function correlationKeys(source: unknown): Record<string, string> {
  const keys: Record<string, string> = {};
  if (typeof source !== 'object' || source === null) return keys;
  const record = source as Record<string, unknown>;
  for (const [field, names] of CORRELATED_FIELDS) {
    const value = names.map((name) => record[name]).find((v) => typeof v === 'string' && v.length > 0);
    if (typeof value === 'string') keys[field] = value;
  }
  return keys;
}

/** Log field → the names it goes by in step payloads and path parameters. */
const CORRELATED_FIELDS: readonly [string, readonly string[]][] = [
  ['environment_id', ['environment_id', 'env_id']],
  ['operation_id', ['operation_id', 'op_id']],
  ['deployment_id', ['deployment_id']],
  ['project_id', ['project_id']],
];

/**
 * Runs one invocation of a non-HTTP entry point (a step, the sweeper, the reconciler) with
 * its Lambda context, correlation id and ids on every log line; the keys are dropped
 * afterwards, so the next invocation of a warm container starts clean. (HTTP routes get the
 * same from Powertools' middy middleware, see `http.ts`.)
 */
export async function withLogContext<T>(
  context: Context | undefined,
  correlationId: string | undefined,
  keys: Record<string, string>,
  run: () => Promise<T>,
): Promise<T> {
  if (context) logger.addContext(context);
  if (correlationId) logger.setCorrelationId(correlationId);
  logger.appendKeys(keys);
  try {
    return await run();
  } catch (error) {
    // Whoever reports it next (the Lambda runtime, Step Functions) shows the original sources.
    mapStackTrace(error);
    throw error;
  } finally {
    logger.resetKeys();
  }
}
