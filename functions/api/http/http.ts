/**
 * The HTTP stack every API handler shares (middy): body size limit, JSON parsing,
 * caller identity from the authorizer's claims, zod parsing of path, query and body
 * against the route's own schemas, and one error shape for every failure
 * (DESIGN.md §4). A handler only supplies the part between "parsed" and "shaped".
 *
 * Routes that change something are built with `auditedRoute` (audited-route.ts), which adds
 * the audit entry; this module knows no store, so functions without a table do not carry
 * the DynamoDB client.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { assertMayWrite, type Principal, principalFromClaims } from '../../domain/access.ts';
import type { FieldError } from '../../domain/errors.ts';
import { httpConfig } from '../../platform/config.ts';
import { correlationKeys, logger } from '../../platform/observability.ts';
import { mapStackTrace } from '../../platform/stack-traces.ts';
import type * as z from '../../platform/zod.ts';
import type { RouteDefinition } from '../route-types.ts';
import {
  BadRequestError,
  type HttpFailure,
  httpFailureOf,
  PayloadTooLargeError,
  RequestValidationError,
} from './errors.ts';

type Parsed<R extends RouteDefinition, K extends 'params' | 'query' | 'body'> = R['request'] extends infer Q
  ? Q extends { [P in K]: infer S extends z.ZodMiniType }
    ? z.output<S>
    : undefined
  : undefined;

/** What a handler receives: everything already parsed and checked. */
export interface HttpRequest<R extends RouteDefinition> {
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
  /** The caller; `null` only on public routes. */
  principal: R['access'] extends 'public' ? null : Principal;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /**
   * The body exactly as received, before any parsing (base64 decoded when API Gateway encoded
   * it): what a signature over the raw bytes is checked against (the Git host hook, §46).
   */
  rawBody: string;
  /**
   * The API's base URL as the caller reached it (`https://<host>/v1`): scheme from
   * `X-Forwarded-Proto`, host from the request, and the path before the route's own (the stage,
   * or a custom domain's base path).
   */
  baseUrl: string;
  requestId: string;
  /** The Lambda context (its deadline bounds an idempotent request's in-progress record). */
  context: Context;
}

export interface HttpResponse {
  statusCode: number;
  /** Serialised as JSON unless `raw` is set; omitted for 204. */
  body?: unknown;
  /** A pre-rendered body (e.g. HTML) sent as is. */
  raw?: string;
  headers?: Record<string, string>;
}

const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** Maps zod issues to `{field, message}` under a prefix (`body`, `query`, `path`). */
export function fieldErrors(error: z.core.$ZodError, prefix: string): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: `${path}.${key}`, message: 'unknown field' }));
    }
    return [{ field: path, message: issue.message }];
  });
}

function parsePart<S extends z.ZodMiniType>(
  schema: S | undefined,
  value: unknown,
  prefix: 'path' | 'query',
): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new BadRequestError(
      prefix === 'path' ? 'Invalid path parameter' : 'Invalid query parameter',
      fieldErrors(result.error, prefix),
      'INVALID_PARAMETER',
    );
  }
  return result.data;
}

/** Every query-less route still rejects unknown query parameters. */
function rejectQuery(value: Record<string, string | undefined> | null): void {
  const keys = Object.keys(value ?? {});
  if (keys.length > 0) {
    throw new BadRequestError(
      'Invalid query parameter',
      keys.map((key) => ({ field: `query.${key}`, message: 'unknown parameter' })),
      'INVALID_PARAMETER',
    );
  }
}

/** Reads `If-Match: 3` (also `"3"` and `W/"3"`) as a version number. */
export function parseIfMatch(headers: Record<string, string | undefined>): number | undefined {
  const raw = headers['if-match'];
  if (raw === undefined || raw.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,12})"?\s*$/.exec(raw);
  if (!match?.[1]) {
    throw new BadRequestError(
      'Invalid If-Match header',
      [{ field: 'header.if-match', message: 'must be a version number, e.g. If-Match: 3' }],
      'INVALID_PARAMETER',
    );
  }
  return Number(match[1]);
}

function json(statusCode: number, body: unknown, requestId: string, headers: Record<string, string> = {}) {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...BASE_HEADERS, ...headers },
    body: JSON.stringify(body),
  } satisfies APIGatewayProxyResult;
}

/** Turns any error into the contract's error response; internals are logged, never returned. */
export function errorResponse(error: unknown, requestId: string): APIGatewayProxyResult {
  const failure: HttpFailure | undefined = isMiddyJsonError(error)
    ? httpFailureOf(new BadRequestError('Malformed JSON body', undefined, 'MALFORMED_JSON'))
    : httpFailureOf(error);
  if (!failure) {
    mapStackTrace(error);
    logger.error('Unhandled error', { error: error as Error, requestId });
    return json(
      500,
      {
        detail: 'Internal server error',
        error_code: 'INTERNAL_ERROR',
        request_id: requestId,
        timestamp: new Date().toISOString(),
      },
      requestId,
    );
  }
  if (failure.statusCode >= 500) logger.error(failure.message, { error: error as Error, requestId });
  return json(
    failure.statusCode,
    {
      detail: failure.message,
      error_code: failure.errorCode,
      request_id: requestId,
      timestamp: new Date().toISOString(),
      ...(failure.errors ? { errors: failure.errors } : {}),
      ...failure.extra,
    },
    requestId,
  );
}

function isMiddyJsonError(error: unknown): boolean {
  const cause = (error as { cause?: { package?: unknown } } | null)?.cause;
  return cause?.package === '@middy/http-json-body-parser';
}

function requestIdOf(event: APIGatewayProxyEvent, context: Context): string {
  return event.requestContext?.requestId ?? context.awsRequestId ?? 'unknown';
}

/** Each request's body as received, kept before the JSON parser replaces it. */
const rawBodies = new WeakMap<APIGatewayProxyEvent, string>();

function rawBodyOf(event: APIGatewayProxyEvent): string {
  if (event.body === null || event.body === undefined) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function baseUrlOf(event: APIGatewayProxyEvent, headers: Record<string, string | undefined>): string {
  const proto = (headers['x-forwarded-proto'] ?? 'https').split(',')[0]?.trim() || 'https';
  const host = headers.host ?? event.requestContext?.domainName ?? 'localhost';
  const fullPath = event.requestContext?.path ?? '';
  const prefix = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  return `${proto}://${host}${prefix}`;
}

/** Records what a request did once its answer is known, whatever the answer (see audited-route.ts). */
export type AuditHook = (
  route: RouteDefinition,
  event: APIGatewayProxyEvent,
  response: APIGatewayProxyResult | undefined,
  requestId: string,
) => Promise<void>;

/** The Lambda handler of a route, as its module exports it. */
export type RouteHandler = middy.MiddyfiedHandler<
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Error,
  Context
>;

/**
 * Builds the Lambda handler of one route that changes nothing (public or read access).
 * `impl` gets the parsed request and returns the status and body; everything else
 * (limits, parsing, identity, errors) is here.
 */
export function httpRoute<R extends RouteDefinition & { access: 'public' | 'read' }>(
  route: R,
  impl: (request: HttpRequest<R>) => Promise<HttpResponse>,
): RouteHandler {
  return routeHandler(route, impl, undefined);
}

/** {@link httpRoute} for any route, with the audit hook of routes that change something. */
export function routeHandler<R extends RouteDefinition>(
  route: R,
  impl: (request: HttpRequest<R>) => Promise<HttpResponse>,
  audit: AuditHook | undefined,
): RouteHandler {
  // A raw-body route's handler reads the body itself (route-types.ts `rawBody`).
  const parsesBody = Boolean(route.request?.body) && !route.rawBody;
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use({
      // Registered first so its onError and after run last and see the final answer.
      onError: async (request) => {
        const requestId = requestIdOf(request.event, request.context);
        request.response = errorResponse(request.error, requestId);
        await audit?.(route, request.event, request.response, requestId);
      },
      // Runs last on success: every mutating request leaves an audit entry.
      after: async (request) => {
        await audit?.(route, request.event, request.response, requestIdOf(request.event, request.context));
      },
    })
    // Every log line of the request: the Lambda context, the request id as correlation id,
    // the route and the ids in its path (keys are reset after the request).
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      before: (request) => {
        logger.setCorrelationId(requestIdOf(request.event, request.context));
        logger.appendKeys({ route: route.operationId, ...correlationKeys(request.event.pathParameters) });
      },
    })
    .use(httpHeaderNormalizer())
    .use({
      before: (request) => {
        const { event } = request;
        const limit = route.maxBodyBytes ?? httpConfig().MAX_BODY_BYTES;
        if (event.body && Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') > limit) {
          throw new PayloadTooLargeError(limit);
        }
        rawBodies.set(event, rawBodyOf(event));
        if (parsesBody && (event.body === null || event.body === undefined || event.body.trim() === '')) {
          // An empty body is an empty object: the schema then names the missing fields (422).
          event.body = '{}';
          event.isBase64Encoded = false;
        }
      },
    });
  if (parsesBody) {
    // curl -d sends form content-type by default; the body is parsed as JSON regardless.
    handler.use(httpJsonBodyParser({ disableContentTypeCheck: true }));
  }
  return handler.handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    let principal: Principal | null = null;
    if (route.access !== 'public') {
      const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
      principal = principalFromClaims(claims, httpConfig().DEFAULT_ROLE);
      if (route.access === 'write') assertMayWrite(principal);
    }
    const params = parsePart(route.request?.params, event.pathParameters, 'path');
    let query: unknown;
    if (route.request?.query) {
      // Empty values (`?cursor=`) mean "not given".
      const given = Object.fromEntries(
        Object.entries(event.queryStringParameters ?? {}).filter(([, v]) => v !== undefined && v !== ''),
      );
      query = parsePart(route.request.query, given, 'query');
    } else {
      rejectQuery(event.queryStringParameters);
    }
    let body: unknown;
    if (parsesBody && route.request?.body) {
      const result = route.request.body.safeParse(event.body);
      if (!result.success) throw new RequestValidationError(fieldErrors(result.error, 'body'));
      body = result.data;
    }
    const response = await impl({
      params,
      query,
      body,
      principal,
      headers: (event.headers ?? {}) as Record<string, string | undefined>,
      rawBody: rawBodies.get(event) ?? rawBodyOf(event),
      baseUrl: baseUrlOf(event, (event.headers ?? {}) as Record<string, string | undefined>),
      requestId,
      context,
    } as HttpRequest<R>);
    const headers = { 'x-request-id': requestId, ...BASE_HEADERS, ...response.headers };
    if (response.raw !== undefined) return { statusCode: response.statusCode, headers, body: response.raw };
    if (response.statusCode === 204) return { statusCode: 204, headers, body: '' };
    return {
      statusCode: response.statusCode,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(response.body),
    };
  });
}
