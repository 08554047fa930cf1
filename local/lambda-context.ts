/**
 * The Lambda `Context` object the local runtime hands to handlers it calls in-process,
 * shaped like the one the Node.js Lambda runtime passes, so handlers (and Powertools)
 * find the fields they expect; and the invocation scope the runtime gives each call.
 */
import { randomUUID } from 'node:crypto';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';

/** The account id every local ARN uses (the same one LocalStack and Step Functions Local use). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** What {@link lambdaContext} needs to know about the function. */
export interface LambdaContextOptions {
  functionName: string;
  region: string;
  /** How long the invocation may run; `getRemainingTimeInMillis()` counts down from it. */
  timeoutMs: number;
  memoryLimitInMB?: number;
  accountId?: string;
}

/** Builds a fresh context for one invocation (a new `awsRequestId` each time, as in Lambda). */
export function lambdaContext(options: LambdaContextOptions): Context {
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const deadline = Date.now() + options.timeoutMs;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const unsupported = (name: string) => (): never => {
    // The callback-style completion methods were removed from the nodejs24.x runtime.
    throw new Error(`context.${name}() is not supported by the nodejs24.x runtime`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region}:${accountId}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 1024),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}

/**
 * Local mode runs every function in one process, many invocations at a time, the way
 * Lambda's runtime does on managed instances (`AWS_LAMBDA_MAX_CONCURRENCY`): each
 * invocation then runs in its own scope of the runtime's invoke store, so what Powertools
 * keeps per invocation (log keys, correlation id, Lambda context) cannot leak between two
 * concurrent ones. Set in the handlers' environment by the local runtime.
 */
export const LOCAL_MAX_CONCURRENCY = '64';

/**
 * Creates the runtime's invoke store, as Lambda's runtime does before it loads a handler:
 * the multi-context one (AsyncLocalStorage) that concurrent invocations need. Must run
 * before anything else asks for the store (the AWS SDK does on its first call and would
 * otherwise create the single-context one, shared by every invocation). Idempotent.
 */
export function prepareInvokeStore(): Promise<InvokeStoreBase> {
  return InvokeStore.getInstanceAsync(true);
}

/**
 * Calls a handler as the Lambda runtime does: inside its invocation's scope of the invoke
 * store (request id and trace id), so concurrent invocations in this process stay apart.
 */
export async function invokeInScope<T>(
  context: Context,
  traceId: string | undefined,
  call: () => T,
): Promise<T> {
  const store = await prepareInvokeStore();
  const keys = InvokeStoreBase.PROTECTED_KEYS;
  const scope: Record<symbol, unknown> = { [keys.REQUEST_ID]: context.awsRequestId };
  if (traceId) scope[keys.X_RAY_TRACE_ID] = traceId;
  return store.run(scope, call);
}

/**
 * The error a Lambda invocation reports: Lambda's Node.js runtime puts `error.name` in
 * `errorType` (that is what Step Functions' Retry/Catch match), `error.message` in
 * `errorMessage`, and the stack lines in `trace`. Anything thrown that is not an Error is
 * reported with a generic type, as the runtime does.
 */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/** Converts whatever a handler threw into Lambda's error payload. */
export function toLambdaError(thrown: unknown): LambdaErrorPayload {
  if (thrown instanceof Error) {
    return {
      errorType: thrown.name || 'Error',
      errorMessage: thrown.message,
      trace: (thrown.stack ?? '').split('\n'),
    };
  }
  return { errorType: typeof thrown, errorMessage: String(thrown), trace: [] };
}
