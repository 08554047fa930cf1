/**
 * A local API Gateway (REST API, stage `v1`, Lambda proxy integrations, Cognito user pools
 * authorizer), driven by the same route table the CDK stack builds the real API from.
 *
 * It builds the proxy event the way API Gateway does (`path` without the stage,
 * `requestContext.path` with it, `null` for absent parameters, claims as strings), verifies
 * ID tokens like the authorizer, and answers its own errors in the product's error shape,
 * as the CDK stack's gateway responses do.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventMultiValueHeaders,
  APIGatewayProxyEventMultiValueQueryStringParameters,
  APIGatewayProxyEventQueryStringParameters,
  Context,
} from 'aws-lambda';
import type { RouteDefinition } from '../functions/api/route-types.ts';
import { invokeInScope, LOCAL_ACCOUNT_ID, lambdaContext } from './lambda-context.ts';
import { BodyTooLargeError, closeServer, LOOPBACK, listen, readBody } from './net.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_HANDLERS_DIR = join(repoRoot, 'functions', 'api', 'entries');

/** API Gateway's hard limit on a request payload. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway's default (maximum, for REST) integration timeout. */
export const API_GATEWAY_TIMEOUT_MS = 29_000;
/** Lambda's limit on a synchronous response. */
const LAMBDA_MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/** An API handler as Lambda calls it. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => unknown;

/** The user pool whose ID tokens the authorizer accepts. */
export interface GatewayAuth {
  userPoolId: string;
  /** The app client: an ID token's `aud` must be this. */
  clientId: string;
  /** The pool's signing keys (aws-jwt-verify does not fetch JWKS over http). */
  jwks: Jwks;
}

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
}

/** A running gateway. */
export interface LocalGateway {
  /** `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  port: number;
  stop(): Promise<void>;
}

/** The error codes the gateway itself answers with (the product's error shape). */
type GatewayErrorCode = 'UNAUTHORIZED' | 'NOT_FOUND' | 'PAYLOAD_TOO_LARGE' | 'INTERNAL_ERROR';

interface CompiledRoute {
  route: RouteDefinition;
  /** Literal segments as strings, parameters as `{ param }`, a greedy `{proxy+}` as `{ param, greedy }`. */
  segments: (string | { param: string; greedy: boolean })[];
}

function compileRoute(route: RouteDefinition): CompiledRoute {
  const segments = route.path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const match = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      return match ? { param: match[1] ?? '', greedy: match[2] === '+' } : segment;
    });
  return { route, segments };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Matches `segments` against a route; returns the (decoded) path parameters, or undefined. */
function matchRoute(compiled: CompiledRoute, segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < compiled.segments.length; i++) {
    const pattern = compiled.segments[i];
    const actual = segments[i];
    if (pattern === undefined) return undefined;
    if (typeof pattern === 'object' && pattern.greedy) {
      if (i >= segments.length) return undefined;
      params[pattern.param] = segments.slice(i).map(decode).join('/');
      return params;
    }
    if (actual === undefined || actual === '') return undefined;
    if (typeof pattern === 'string') {
      if (pattern !== actual) return undefined;
    } else {
      params[pattern.param] = decode(actual);
    }
  }
  return compiled.segments.length === segments.length ? params : undefined;
}

/** API Gateway prefers literal segments over parameters: `/a/b` wins over `/a/{x}`. */
function moreSpecific(a: CompiledRoute, b: CompiledRoute): number {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const aLiteral = typeof a.segments[i] === 'string';
    const bLiteral = typeof b.segments[i] === 'string';
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The Cognito authorizer of a REST API renders `exp` and `iat` as Java dates
 * (`Fri Jul 29 18:52:53 UTC 2016`), not epoch seconds.
 */
function javaDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * Claims as API Gateway hands them to the integration: every value a string. Lists (such
 * as `cognito:groups`) are joined with commas, numbers and booleans stringified, `exp` and
 * `iat` rendered as dates.
 */
export function claimsAsStrings(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if ((name === 'exp' || name === 'iat') && typeof value === 'number') {
      claims[name] = javaDate(value);
    } else if (Array.isArray(value)) {
      claims[name] = value.map(String).join(',');
    } else if (typeof value === 'object') {
      claims[name] = JSON.stringify(value);
    } else {
      claims[name] = String(value);
    }
  }
  return claims;
}

/** `09/Apr/2015:12:34:56 +0000`, API Gateway's `requestContext.requestTime`. */
function requestTime(date: Date): string {
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

interface ProxyResult {
  statusCode: number;
  headers: Record<string, string[]>;
  body: Buffer;
}

/** Validates a handler's result as API Gateway does; undefined means "malformed proxy response" (502). */
function parseProxyResult(result: unknown): ProxyResult | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as Record<string, unknown>;
  const statusCode = typeof r.statusCode === 'string' ? Number(r.statusCode) : r.statusCode;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    return undefined;
  }
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') return undefined;
  const scalar = (v: unknown): v is string | number | boolean =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  const headers: Record<string, { name: string; values: string[] }> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object') return undefined;
    for (const [name, value] of Object.entries(r.headers)) {
      if (!scalar(value)) return undefined;
      headers[name.toLowerCase()] = { name, values: [String(value)] };
    }
  }
  if (r.multiValueHeaders !== undefined && r.multiValueHeaders !== null) {
    if (typeof r.multiValueHeaders !== 'object') return undefined;
    for (const [name, values] of Object.entries(r.multiValueHeaders)) {
      if (!Array.isArray(values) || !values.every(scalar)) return undefined;
      // API Gateway merges both maps; a value present in both appears once.
      const existing = headers[name.toLowerCase()];
      const merged = values.map(String);
      for (const value of existing?.values ?? []) {
        if (!merged.includes(value)) merged.push(value);
      }
      headers[name.toLowerCase()] = { name, values: merged };
    }
  }
  const body =
    typeof r.body === 'string'
      ? Buffer.from(r.body, r.isBase64Encoded === true ? 'base64' : 'utf8')
      : Buffer.alloc(0);
  const out: Record<string, string[]> = {};
  for (const { name, values } of Object.values(headers)) {
    out[name] = values;
  }
  return { statusCode, headers: out, body };
}

/** Starts the gateway. */
export async function startGateway(options: GatewayOptions): Promise<LocalGateway> {
  const stage = options.stage ?? 'v1';
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const handlersDir = options.handlersDir ?? DEFAULT_HANDLERS_DIR;
  const timeoutMs = options.timeoutMs ?? API_GATEWAY_TIMEOUT_MS;
  // API ids are 10 lowercase alphanumerics.
  const apiId = randomBytes(16)
    .toString('hex')
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 10);
  const routes = options.routes ?? (await import('../functions/api/routes.ts')).routeList;
  const compiled = routes.map(compileRoute);

  // The production verifier, configured as the Cognito authorizer of the REST API: ID tokens
  // of this pool, for this client. `verifySync` never fetches keys, so an unknown `kid`
  // fails instead of reaching out to cognito-idp.amazonaws.com.
  const verifier = CognitoJwtVerifier.create({
    userPoolId: options.auth.userPoolId,
    tokenUse: 'id',
    clientId: options.auth.clientId,
  });
  verifier.cacheJwks(options.auth.jwks);

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

  const log = (line: string): void => {
    if (!options.quiet) console.log(`[gateway] ${line}`);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const fullPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const search = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
    const commonHeaders = {
      'x-amzn-requestid': requestId,
      'x-amz-apigw-id': randomBytes(8).toString('base64url').slice(0, 11),
      'x-amzn-trace-id': `Root=1-${Math.floor(started / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    };
    const finish = (status: number, headers: Record<string, string | string[]>, body: Buffer): void => {
      res.writeHead(status, { ...headers, ...commonHeaders, 'content-length': String(body.length) });
      res.end(body);
      log(`${method} ${fullPath} → ${status} (${Date.now() - started} ms)`);
    };
    const fail = (status: number, code: GatewayErrorCode, detail: string, errorType: string): void => {
      const body = Buffer.from(
        JSON.stringify({
          detail,
          error_code: code,
          request_id: requestId,
          timestamp: new Date().toISOString(),
        }),
      );
      finish(status, { 'content-type': 'application/json', 'x-amzn-errortype': errorType }, body);
    };

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
    const notFound = (): void =>
      fail(404, 'NOT_FOUND', `Route not found: ${method} ${fullPath}`, 'MissingAuthenticationTokenException');
    const stagePrefix = `/${stage}`;
    if (fullPath !== stagePrefix && !fullPath.startsWith(`${stagePrefix}/`)) {
      notFound();
      return;
    }
    const resourcePath = fullPath.slice(stagePrefix.length) || '/';
    const segments = resourcePath.split('/').slice(1);
    if (segments.length === 1 && segments[0] === '') segments.pop();
    let found: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
    for (const candidate of compiled) {
      if (candidate.route.method !== method) continue;
      const params = matchRoute(candidate, segments);
      if (params && (!found || moreSpecific(candidate, found.compiled) < 0)) {
        found = { compiled: candidate, params };
      }
    }
    if (!found) {
      notFound();
      return;
    }
    const { route } = found.compiled;

    // 3. Headers as the client sent them (API Gateway keeps the case), plus what it adds.
    const headers: Record<string, string> = {};
    const multiValueHeaders: APIGatewayProxyEventMultiValueHeaders = {};
    const headerNames = new Map<string, string>();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] ?? '';
      const value = req.rawHeaders[i + 1] ?? '';
      const key = headerNames.get(name.toLowerCase()) ?? name;
      headerNames.set(name.toLowerCase(), key);
      headers[key] = value;
      multiValueHeaders[key] = [...(multiValueHeaders[key] ?? []), value];
    }
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const added: Record<string, string> = {
      'X-Forwarded-For': sourceIp,
      'X-Forwarded-Port': String(req.socket.localPort ?? ''),
      'X-Forwarded-Proto': 'http',
      'X-Amzn-Trace-Id': commonHeaders['x-amzn-trace-id'],
    };
    for (const [name, value] of Object.entries(added)) {
      if (!headerNames.has(name.toLowerCase())) {
        headers[name] = value;
        multiValueHeaders[name] = [value];
      }
    }
    const header = (name: string): string | undefined => {
      const key = headerNames.get(name.toLowerCase());
      return key === undefined ? undefined : headers[key];
    };

    // 4. The Cognito user pools authorizer, on every non-public route.
    let claims: Record<string, string> | undefined;
    if (route.access !== 'public') {
      const authorization = header('authorization')?.trim();
      // The authorizer takes the raw token; "Bearer <token>" is accepted too.
      const token = authorization?.replace(/^bearer\s+/i, '');
      if (!token) {
        fail(401, 'UNAUTHORIZED', 'Missing or invalid credentials', 'UnauthorizedException');
        return;
      }
      try {
        claims = claimsAsStrings(verifier.verifySync(token) as Record<string, unknown>);
      } catch {
        fail(401, 'UNAUTHORIZED', 'Missing or invalid credentials', 'UnauthorizedException');
        return;
      }
    }

    // 5. The proxy event.
    const query = new URLSearchParams(search);
    let queryStringParameters: APIGatewayProxyEventQueryStringParameters | null = null;
    let multiValueQueryStringParameters: APIGatewayProxyEventMultiValueQueryStringParameters | null = null;
    for (const [name, value] of query) {
      queryStringParameters ??= {};
      multiValueQueryStringParameters ??= {};
      // The last value wins in the single-value map, as in API Gateway.
      queryStringParameters[name] = value;
      multiValueQueryStringParameters[name] = [...(multiValueQueryStringParameters[name] ?? []), value];
    }
    const now = new Date(started);
    const event: APIGatewayProxyEvent = {
      resource: route.path,
      path: resourcePath,
      httpMethod: method,
      headers,
      multiValueHeaders,
      queryStringParameters,
      multiValueQueryStringParameters,
      pathParameters: Object.keys(found.params).length > 0 ? found.params : null,
      stageVariables: null,
      requestContext: {
        resourceId: randomBytes(3).toString('hex'),
        resourcePath: route.path,
        httpMethod: method,
        extendedRequestId: commonHeaders['x-amz-apigw-id'],
        requestTime: requestTime(now),
        path: fullPath,
        accountId,
        protocol: `HTTP/${req.httpVersion}`,
        stage,
        domainPrefix: apiId,
        requestTimeEpoch: started,
        requestId,
        identity: {
          cognitoIdentityPoolId: null,
          accountId: null,
          cognitoIdentityId: null,
          caller: null,
          sourceIp,
          principalOrgId: null,
          accessKey: null,
          cognitoAuthenticationType: null,
          cognitoAuthenticationProvider: null,
          userArn: null,
          userAgent: header('user-agent') ?? null,
          user: null,
          apiKey: null,
          apiKeyId: null,
          clientCert: null,
        },
        domainName: header('host') ?? `${apiId}.execute-api.${region}.amazonaws.com`,
        apiId,
        // Present only behind an authorizer, as in API Gateway.
        authorizer: claims ? { claims } : undefined,
      },
      body: rawBody.length > 0 ? rawBody.toString('utf8') : null,
      isBase64Encoded: false,
    };

    // 6. Invoke the function (its input crosses a JSON boundary, as in Lambda).
    let result: unknown;
    try {
      // One function per route group, as in the CDK stack: the same entry point gets the same event.
      const handler = await loadHandler(route.group);
      const context = lambdaContext({ functionName: route.group, region, accountId, timeoutMs });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = Symbol('timed out');
      const timeout = new Promise<typeof timedOut>((resolveTimeout) => {
        timer = setTimeout(() => resolveTimeout(timedOut), timeoutMs);
        timer.unref();
      });
      try {
        result = await Promise.race([
          invokeInScope(context, commonHeaders['x-amzn-trace-id'], () =>
            handler(JSON.parse(JSON.stringify(event)), context),
          ),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
      if (result === timedOut) {
        fail(504, 'INTERNAL_ERROR', 'Endpoint request timed out', 'IntegrationTimeout');
        return;
      }
      result = JSON.parse(JSON.stringify(result ?? null));
    } catch (error) {
      if (!options.quiet) console.error(`[gateway] ${route.group} failed:`, error);
      fail(502, 'INTERNAL_ERROR', 'Internal server error', 'InternalServerErrorException');
      return;
    }

    // 7. The proxy response.
    const proxy = parseProxyResult(result);
    if (!proxy || proxy.body.length > LAMBDA_MAX_RESPONSE_BYTES) {
      if (!options.quiet) console.error(`[gateway] ${route.group} returned a malformed proxy response`);
      fail(502, 'INTERNAL_ERROR', 'Internal server error', 'InternalServerErrorException');
      return;
    }
    const responseHeaders: Record<string, string | string[]> = {};
    for (const [name, values] of Object.entries(proxy.headers)) {
      responseHeaders[name] = values.length === 1 ? (values[0] ?? '') : values;
    }
    if (!Object.keys(responseHeaders).some((name) => name.toLowerCase() === 'content-type')) {
      // API Gateway's default for a proxy response without one.
      responseHeaders['Content-Type'] = 'application/json';
    }
    finish(proxy.statusCode, responseHeaders, proxy.body);
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      console.error('[gateway] internal error', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: 'Internal server error', error_code: 'INTERNAL_ERROR' }));
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
