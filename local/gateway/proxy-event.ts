/**
 * The REST API (v1) Lambda proxy event, built the way API Gateway builds it: `path` without
 * the stage, `requestContext.path` with it, the client's header names as sent, `null` for
 * absent parameters, and the authorizer's claims only behind an authorizer.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventMultiValueHeaders,
  APIGatewayProxyEventMultiValueQueryStringParameters,
  APIGatewayProxyEventQueryStringParameters,
} from 'aws-lambda';
import { requestTime } from './dates.ts';
import type { RouteMatch } from './routing.ts';

/** A request's headers as the integration gets them. */
export interface ProxyHeaders {
  headers: Record<string, string>;
  multiValueHeaders: APIGatewayProxyEventMultiValueHeaders;
  /** A header's (last) value, whatever the case of `name`. */
  get(name: string): string | undefined;
}

/** What the proxy event is built from, besides the request itself. */
export interface ProxyEventInput {
  method: string;
  match: RouteMatch;
  /** The request path with the stage, without the query string. */
  fullPath: string;
  /** The query string, without `?`. */
  search: string;
  headers: ProxyHeaders;
  /** The authorizer's claims; undefined on a public route. */
  claims: Record<string, string> | undefined;
  body: Buffer;
  requestId: string;
  /** The `x-amz-apigw-id` of the response. */
  extendedRequestId: string;
  /** When the request arrived (epoch milliseconds). */
  started: number;
  apiId: string;
  stage: string;
  region: string;
  accountId: string;
}

/**
 * An empty map for names a client chooses (headers, query parameters): without a prototype,
 * so `constructor` or `__proto__` are plain names, not Object.prototype's members (a query
 * parameter named `constructor` was a 500).
 */
function emptyMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function sourceIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

/** Headers as the client sent them (API Gateway keeps the case), plus what it adds. */
export function proxyHeaders(req: IncomingMessage, traceId: string): ProxyHeaders {
  const headers = emptyMap<string>();
  const multiValueHeaders: APIGatewayProxyEventMultiValueHeaders = emptyMap<string[]>();
  const headerNames = new Map<string, string>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    const key = headerNames.get(name.toLowerCase()) ?? name;
    headerNames.set(name.toLowerCase(), key);
    headers[key] = value;
    multiValueHeaders[key] = [...(multiValueHeaders[key] ?? []), value];
  }
  const added: Record<string, string> = {
    'X-Forwarded-For': sourceIp(req),
    'X-Forwarded-Port': String(req.socket.localPort ?? ''),
    'X-Forwarded-Proto': 'http',
    'X-Amzn-Trace-Id': traceId,
  };
  for (const [name, value] of Object.entries(added)) {
    if (!headerNames.has(name.toLowerCase())) {
      headers[name] = value;
      multiValueHeaders[name] = [value];
    }
  }
  return {
    headers,
    multiValueHeaders,
    get: (name) => {
      const key = headerNames.get(name.toLowerCase());
      return key === undefined ? undefined : headers[key];
    },
  };
}

/** The proxy event of a request that matched a route (and passed the authorizer). */
export function proxyEvent(req: IncomingMessage, input: ProxyEventInput): APIGatewayProxyEvent {
  const { method, match, headers, claims, apiId, stage } = input;
  const query = new URLSearchParams(input.search);
  let queryStringParameters: APIGatewayProxyEventQueryStringParameters | null = null;
  let multiValueQueryStringParameters: APIGatewayProxyEventMultiValueQueryStringParameters | null = null;
  for (const [name, value] of query) {
    queryStringParameters ??= emptyMap<string>();
    multiValueQueryStringParameters ??= emptyMap<string[]>();
    // The last value wins in the single-value map, as in API Gateway.
    queryStringParameters[name] = value;
    multiValueQueryStringParameters[name] = [...(multiValueQueryStringParameters[name] ?? []), value];
  }
  const now = new Date(input.started);
  return {
    resource: match.route.path,
    path: match.resourcePath,
    httpMethod: method,
    headers: headers.headers,
    multiValueHeaders: headers.multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: Object.keys(match.params).length > 0 ? match.params : null,
    stageVariables: null,
    requestContext: {
      resourceId: randomBytes(3).toString('hex'),
      resourcePath: match.route.path,
      httpMethod: method,
      extendedRequestId: input.extendedRequestId,
      requestTime: requestTime(now),
      path: input.fullPath,
      accountId: input.accountId,
      protocol: `HTTP/${req.httpVersion}`,
      stage,
      domainPrefix: apiId,
      requestTimeEpoch: input.started,
      requestId: input.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: sourceIp(req),
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: headers.get('user-agent') ?? null,
        user: null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
      },
      domainName: headers.get('host') ?? `${apiId}.execute-api.${input.region}.amazonaws.com`,
      apiId,
      // Present only behind an authorizer, as in API Gateway.
      authorizer: claims ? { claims } : undefined,
    },
    body: input.body.length > 0 ? input.body.toString('utf8') : null,
    isBase64Encoded: false,
  };
}
