/**
 * The Lambda proxy integration: one function per route group, as in the CDK stack, loaded
 * on its first request and invoked the way Lambda would (a context, the event across a JSON
 * boundary, the integration timeout).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { invokeInScope, lambdaContext } from '../lambda-context.ts';
import {
  installAwsLambdaGlobal,
  isStreamingHandler,
  type LocalResponseStream,
} from '../runtime/streaming.ts';

/** An API handler as Lambda calls it. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => unknown;

/** Options of {@link createIntegration}. */
export interface IntegrationOptions {
  /** Where each route group's entry point `<group>.ts` lives. */
  handlersDir: string;
  region: string;
  accountId: string;
  timeoutMs: number;
}

/** A handler's result (back across the JSON boundary), or the integration timing out. */
export type IntegrationOutcome = { timedOut: false; result: unknown } | { timedOut: true };

/**
 * Invokes the entry point of `group` with `event`. Rejects when the handler cannot be
 * loaded, throws, or returns what does not cross the JSON boundary.
 */
export type Integration = ((
  group: string,
  event: APIGatewayProxyEvent,
  traceId: string,
) => Promise<IntegrationOutcome>) & {
  /**
   * Invokes the streaming entry point of `group` (`awslambda.streamifyResponse`) with `event`
   * and `stream`, as Lambda does for an integration in STREAM mode: no integration timeout
   * (the function's own, up to 15 minutes, bounds it). Resolves when the handler returns.
   */
  stream(
    group: string,
    event: APIGatewayProxyEvent,
    traceId: string,
    stream: LocalResponseStream,
  ): Promise<void>;
};

/** The integration of every route group under `options.handlersDir`. */
export function createIntegration(options: IntegrationOptions): Integration {
  const { handlersDir, region, accountId, timeoutMs } = options;
  // The runtime's global, before any handler module is imported (streaming entries use it on load).
  installAwsLambdaGlobal();
  const handlers = new Map<string, Promise<ApiHandler>>();
  const loadHandler = (name: string): Promise<ApiHandler> => {
    let cached = handlers.get(name);
    if (!cached) {
      cached = (async () => {
        const module = (await import(pathToFileURL(resolve(handlersDir, `${name}.ts`)).href)) as {
          handler?: unknown;
        };
        if (typeof module.handler !== 'function') {
          throw new Error(`${name}.ts does not export a handler function`);
        }
        return module.handler as ApiHandler;
      })();
      // A module that failed to load is retried on the next request (it may have been fixed).
      cached.catch(() => handlers.delete(name));
      handlers.set(name, cached);
    }
    return cached;
  };

  const invoke = async (
    group: string,
    event: APIGatewayProxyEvent,
    traceId: string,
  ): Promise<IntegrationOutcome> => {
    // One function per route group, as in the CDK stack: the same entry point gets the same event.
    const handler = await loadHandler(group);
    const context = lambdaContext({ functionName: group, region, accountId, timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = Symbol('timed out');
    const timeout = new Promise<typeof timedOut>((resolveTimeout) => {
      timer = setTimeout(() => resolveTimeout(timedOut), timeoutMs);
      timer.unref();
    });
    let result: unknown;
    try {
      // The input crosses a JSON boundary, as in Lambda.
      result = await Promise.race([
        invokeInScope(context, traceId, () => handler(JSON.parse(JSON.stringify(event)), context)),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
    if (result === timedOut) return { timedOut: true };
    return { timedOut: false, result: JSON.parse(JSON.stringify(result ?? null)) };
  };
  const stream: Integration['stream'] = async (group, event, traceId, responseStream) => {
    const handler = await loadHandler(group);
    if (!isStreamingHandler(handler)) throw new Error(`${group}.ts does not export a streaming handler`);
    const context = lambdaContext({ functionName: group, region, accountId, timeoutMs: 15 * 60_000 });
    const streaming = handler as unknown as (
      event: APIGatewayProxyEvent,
      stream: LocalResponseStream,
      context: Context,
    ) => Promise<void>;
    await invokeInScope(context, traceId, () =>
      streaming(JSON.parse(JSON.stringify(event)), responseStream, context),
    );
  };
  return Object.assign(invoke, { stream });
}
