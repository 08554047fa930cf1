/**
 * Lambda, in-process: the override of every Task state, which decodes what the state asks
 * of Lambda and calls the step function's handler (`<stepsDir>/<name>.ts`) the way Lambda
 * would: JSON-serialised payload, a Lambda context, the function's timeout, and failures
 * reported with Lambda's `errorType` (the thrown error's `name`) so Retry and Catch match
 * exactly as they do in AWS.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { invokeInScope, lambdaContext, toLambdaError } from '../lambda-context.ts';
import { type JsonValue, type LambdaHandler, MAX_PAYLOAD_BYTES, type TaskHandlers } from './api.ts';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
/**
 * The callback pattern: Lambda is invoked as with `lambda:invoke`, but the task's result is
 * what SendTaskSuccess answers (the engine waits for it, see task-tokens.ts).
 */
export const LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN = `${LAMBDA_INVOKE}.waitForTaskToken`;

/**
 * A step failure as Step Functions sees it: `name` is Lambda's errorType (what Retry/Catch
 * match) and `message` is the Cause, which for Lambda errors is the JSON error payload.
 */
class TaskFailedError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/**
 * `States.DataLimitExceeded`, which AWS raises when a state's result is over 256 KiB. AWS
 * documents it as terminal (States.ALL does not catch it); aws-local-stepfunctions honours
 * these two flags.
 */
class DataLimitExceededError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor(message: string) {
    super(message);
    this.name = 'States.DataLimitExceeded';
  }
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` or a bare name → the name. */
function functionNameOf(nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) {
    return nameOrArn.split(':')[6] ?? nameOrArn;
  }
  const parts = nameOrArn.split(':');
  // Partial ARN `<account>:function:<name>`.
  return parts.length >= 3 && parts[1] === 'function' ? (parts[2] ?? nameOrArn) : nameOrArn;
}

/** The ARN of a function of this account and region. */
export function functionArn(where: { region: string; accountId: string }, name: string): string {
  return `arn:aws:lambda:${where.region}:${where.accountId}:function:${name}`;
}

function jsonClone(value: unknown): JsonValue {
  // Lambda payloads cross a JSON boundary: undefined becomes null, Dates become strings.
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

/** What {@link createLambdaTasks} needs to know. */
export interface LambdaTasksOptions {
  region: string;
  accountId: string;
  /** Where step handlers live (`<stepsDir>/<function>.ts` exporting `handler`). */
  stepsDir: string;
  /** In-process handlers by function name; they take precedence over `stepsDir`. */
  functions?: Record<string, LambdaHandler>;
  /** The functions' Lambda timeout: past it the task fails with `Sandbox.Timedout`. */
  taskTimeoutMs: number;
}

/** The Lambda functions the Task states call, served in-process. */
export interface LambdaTasks {
  /** The override for one Task state (throws for a resource other than Lambda). */
  taskHandler(stateName: string, resource: string): TaskHandlers[string];
}

export function createLambdaTasks(options: LambdaTasksOptions): LambdaTasks {
  const { region, accountId, stepsDir, taskTimeoutMs } = options;

  const handlerCache = new Map<string, Promise<LambdaHandler | undefined>>();
  const loadHandler = (name: string): Promise<LambdaHandler | undefined> => {
    let cached = handlerCache.get(name);
    if (!cached) {
      const given = options.functions?.[name];
      cached = given
        ? Promise.resolve(given)
        : (async () => {
            const file = resolve(stepsDir, `${name}.ts`);
            if (!/^[a-z0-9][a-z0-9-]*$/i.test(name) || !existsSync(file)) {
              return undefined;
            }
            let module: { handler?: unknown };
            try {
              module = (await import(pathToFileURL(file).href)) as { handler?: unknown };
            } catch (thrown) {
              // Lambda reports a module that fails to load as Runtime.ImportModuleError.
              const lambdaError = { ...toLambdaError(thrown), errorType: 'Runtime.ImportModuleError' };
              throw new TaskFailedError(lambdaError.errorType, JSON.stringify(lambdaError));
            }
            if (typeof module.handler !== 'function') {
              throw new TaskFailedError(
                'Runtime.HandlerNotFound',
                JSON.stringify({
                  errorType: 'Runtime.HandlerNotFound',
                  errorMessage: `${name}.handler is undefined`,
                }),
              );
            }
            return module.handler as LambdaHandler;
          })();
      // A failed import is retried on the next invocation (the file may have been fixed).
      cached.catch(() => handlerCache.delete(name));
      handlerCache.set(name, cached);
    }
    return cached;
  };

  /** Invokes a function as Lambda would and returns its (JSON) result, or throws a TaskFailedError. */
  const invokeFunction = async (nameOrArn: string, payload: JsonValue): Promise<JsonValue> => {
    const name = functionNameOf(nameOrArn);
    const handler = await loadHandler(name);
    if (!handler) {
      throw new TaskFailedError(
        'Lambda.ResourceNotFoundException',
        `Function not found: ${functionArn(options, name)} (Service: Lambda, Status Code: 404, Error Code: ResourceNotFoundException)`,
      );
    }
    let result: unknown;
    const context = lambdaContext({ functionName: name, region, accountId, timeoutMs: taskTimeoutMs });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // What Lambda reports when a function runs past its timeout.
        const errorMessage = `RequestId: ${context.awsRequestId} Error: Task timed out after ${(taskTimeoutMs / 1000).toFixed(2)} seconds`;
        reject(
          new TaskFailedError(
            'Sandbox.Timedout',
            JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage }),
          ),
        );
      }, taskTimeoutMs);
      timer.unref();
    });
    try {
      result = await Promise.race([
        invokeInScope(context, undefined, () => handler(jsonClone(payload), context)),
        timedOut,
      ]);
    } catch (thrown) {
      if (thrown instanceof TaskFailedError) throw thrown;
      const lambdaError = toLambdaError(thrown);
      throw new TaskFailedError(lambdaError.errorType, JSON.stringify(lambdaError));
    } finally {
      clearTimeout(timer);
    }
    const output = jsonClone(result);
    const size = Buffer.byteLength(JSON.stringify(output));
    if (size > MAX_PAYLOAD_BYTES) {
      throw new DataLimitExceededError(
        `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
      );
    }
    return output;
  };

  /** The override for one Task state: decode what the state asks Lambda for, answer like the integration. */
  const taskHandler = (stateName: string, resource: string): TaskHandlers[string] => {
    if (resource === LAMBDA_INVOKE || resource === LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN) {
      return async (input) => {
        const request = (input ?? {}) as { FunctionName?: unknown; Payload?: JsonValue };
        if (typeof request.FunctionName !== 'string') {
          throw new TaskFailedError(
            'States.Runtime',
            `State ${stateName}: lambda:invoke needs Parameters.FunctionName (got ${JSON.stringify(request.FunctionName)})`,
          );
        }
        const payload = await invokeFunction(request.FunctionName, request.Payload ?? null);
        // The optimised integration's result; the ASL keeps `$.Payload` (OutputPath).
        return {
          ExecutedVersion: '$LATEST',
          Payload: payload,
          SdkHttpMetadata: { HttpHeaders: {}, HttpStatusCode: 200 },
          SdkResponseMetadata: { RequestId: randomUUID() },
          StatusCode: 200,
        };
      };
    }
    if (resource.startsWith('arn:aws:lambda:')) {
      // A Lambda ARN as the Resource: the function gets the state input and its result is the task result.
      return (input) => invokeFunction(resource, input);
    }
    throw new Error(
      `State ${stateName}: resource ${resource} is not supported locally (only Lambda tasks are)`,
    );
  };

  return { taskHandler };
}
