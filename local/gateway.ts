/**
 * A local API Gateway (REST API, stage `v1`, Lambda proxy integrations, Cognito user pools
 * authorizer), driven by the same route table the CDK stack builds the real API from.
 *
 * It builds the proxy event the way API Gateway does (`path` without the stage,
 * `requestContext.path` with it, `null` for absent parameters, claims as strings), verifies
 * ID tokens like the authorizer, and answers its own errors in the product's error shape,
 * as the CDK stack's gateway responses do.
 *
 * The parts, under `local/gateway/`: `routing.ts` (the route table and API Gateway's
 * precedence), `authorizer.ts` (the Cognito authorizer and its claims), `dates.ts` (its date
 * formats), `proxy-event.ts` (the event), `integration.ts` (the Lambda functions, in-process),
 * `proxy-result.ts` (what a handler's result makes) and `responses.ts` (the ids and the
 * gateway's own errors). This file puts them together behind the HTTP server.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RouteDefinition } from '../functions/api/route-types.ts';
import { createAuthorizer, type GatewayAuth } from './gateway/authorizer.ts';
import { createIntegration, type IntegrationOutcome } from './gateway/integration.ts';
import { proxyEvent, proxyHeaders } from './gateway/proxy-event.ts';
import { proxyResponse } from './gateway/proxy-result.ts';
import { requestIds, responder } from './gateway/responses.ts';
import { createRouter } from './gateway/routing.ts';
import { pipeStream } from './gateway/streaming.ts';
import { LOCAL_ACCOUNT_ID } from './lambda-context.ts';
import { BodyTooLargeError, closeServer, LOOPBACK, listen, readBody } from './net.ts';

export { claimsAsStrings, type GatewayAuth } from './gateway/authorizer.ts';
export type { ApiHandler } from './gateway/integration.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_HANDLERS_DIR = join(repoRoot, 'functions', 'api', 'entries');

/** API Gateway's hard limit on a request payload. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway's default (maximum, for REST) integration timeout. */
export const API_GATEWAY_TIMEOUT_MS = 29_000;

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  auth: GatewayAuth;
  /** 3000 by default; 0 = ephemeral. */
  port?: number;
  /** The stage, first segment of every path (default `v1`). */
  stage?: string;
  /** The route table (default: `routeList` from `functions/api/routes.ts`). */
  routes?: readonly RouteDefinition[];
  /** Where each route group's entry point `<group>.ts` lives (default `functions/api/entries`). */
  handlersDir?: string;
  region?: string;
  accountId?: string;
  /** Integration timeout (default 29 s, as API Gateway). */
  timeoutMs?: number;
  /** No per-request log lines and no handler stack traces on stderr. */
  quiet?: boolean;
  /** Told every answer once it is sent (tests check each against the OpenAPI document). */
  onExchange?: (exchange: GatewayExchange) => void;
}

/** One request and the gateway's answer to it, as {@link GatewayOptions.onExchange} sees them. */
export interface GatewayExchange {
  method: string;
  /** The path as requested, stage included (`/v1/projects`), without the query string. */
  path: string;
  /** The query string, without `?`. */
  search: string;
  status: number;
  /** The response's headers (lower-cased names), without the ids API Gateway adds. */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** A running gateway. */
export interface LocalGateway {
  /** `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the gateway. */
export async function startGateway(options: GatewayOptions): Promise<LocalGateway> {
  const stage = options.stage ?? 'v1';
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const timeoutMs = options.timeoutMs ?? API_GATEWAY_TIMEOUT_MS;
  // API ids are 10 lowercase alphanumerics.
  const apiId = randomBytes(16)
    .toString('hex')
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 10);
  const routes = options.routes ?? (await import('../functions/api/routes.ts')).routeList;
  const router = createRouter(routes, stage);
  const authorize = createAuthorizer(options.auth);
  const invoke = createIntegration({
    handlersDir: options.handlersDir ?? DEFAULT_HANDLERS_DIR,
    region,
    accountId,
    timeoutMs,
  });

  const log = (line: string): void => {
    if (!options.quiet) console.log(`[gateway] ${line}`);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const ids = requestIds(started);
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const fullPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const search = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
    const exchanged = (status: number, headers: Record<string, string | string[]>, body: Buffer) => {
      log(`${method} ${fullPath} → ${status} (${Date.now() - started} ms)`);
      options.onExchange?.({ method, path: fullPath, search, status, headers, body });
    };
    const { finish, fail } = responder(res, ids, exchanged);

    // 1. The payload limit applies before anything else looks at the request.
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req, API_GATEWAY_MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        res.setHeader('connection', 'close');
        fail(
          413,
          'PAYLOAD_TOO_LARGE',
          `Request body exceeds ${API_GATEWAY_MAX_BODY_BYTES} bytes`,
          'RequestTooLarge',
        );
        return;
      }
      throw error;
    }

    // 2. Route: `/<stage>/<resource path>`, method and path template from the route table.
    const match = router(method, fullPath);
    if (!match) {
      fail(404, 'NOT_FOUND', `Route not found: ${method} ${fullPath}`, 'MissingAuthenticationTokenException');
      return;
    }
    const { route } = match;

    // 3. Headers as the client sent them, plus what API Gateway adds.
    const headers = proxyHeaders(req, ids.headers['x-amzn-trace-id']);

    // 4. The Cognito user pools authorizer, on every non-public route.
    let claims: Record<string, string> | undefined;
    if (route.access !== 'public') {
      claims = authorize(headers.get('authorization'));
      if (!claims) {
        fail(401, 'UNAUTHORIZED', 'Missing or invalid credentials', 'UnauthorizedException');
        return;
      }
    }

    // 5. The proxy event.
    const event = proxyEvent(req, {
      method,
      match,
      fullPath,
      search,
      headers,
      claims,
      body: rawBody,
      requestId: ids.requestId,
      extendedRequestId: ids.headers['x-amz-apigw-id'],
      started,
      apiId,
      stage,
      region,
      accountId,
    });

    // 6. Invoke the function.
    if (route.streaming) {
      await pipeStream(
        res,
        ids.headers,
        (stream) => invoke.stream(route.group, event, ids.headers['x-amzn-trace-id'], stream),
        { fail, exchanged, quiet: options.quiet === true, group: route.group },
      );
      return;
    }

    let outcome: IntegrationOutcome;
    try {
      outcome = await invoke(route.group, event, ids.headers['x-amzn-trace-id']);
    } catch (error) {
      if (!options.quiet) console.error(`[gateway] ${route.group} failed:`, error);
      fail(502, 'INTERNAL_ERROR', 'Internal server error', 'InternalServerErrorException');
      return;
    }
    if (outcome.timedOut) {
      fail(504, 'INTERNAL_ERROR', 'Endpoint request timed out', 'IntegrationTimeout');
      return;
    }

    // 7. The proxy response.
    const response = proxyResponse(outcome.result);
    if (!response) {
      if (!options.quiet) console.error(`[gateway] ${route.group} returned a malformed proxy response`);
      fail(502, 'INTERNAL_ERROR', 'Internal server error', 'InternalServerErrorException');
      return;
    }
    finish(response.statusCode, response.headers, response.body);
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      console.error('[gateway] internal error', error);
      if (!res.headersSent) {
        // The product's error shape, as every other answer of the gateway.
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            detail: 'Internal server error',
            error_code: 'INTERNAL_ERROR',
            request_id: randomUUID(),
            timestamp: new Date().toISOString(),
          }),
        );
      }
    });
  });
  const port = await listen(server, options.port ?? 3000);

  let stopping: Promise<void> | undefined;
  return {
    baseUrl: `http://${LOOPBACK}:${port}/${stage}`,
    port,
    stop: () => {
      stopping ??= closeServer(server);
      return stopping;
    },
  };
}
