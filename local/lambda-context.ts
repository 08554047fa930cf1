/**
 * The Lambda `Context` object the local runtime hands to handlers it calls in-process,
 * shaped like the one the Node.js Lambda runtime passes, so handlers (and Powertools)
 * find the fields they expect.
 */
import { randomUUID } from 'node:crypto';
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
