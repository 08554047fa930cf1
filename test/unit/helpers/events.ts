/**
 * API Gateway REST (v1) proxy events as the Cognito authorizer delivers them: claims
 * are all strings, groups one comma-separated string.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export const DEVELOPER = { sub: 'user-dev-1', email: 'dev@example.com', 'cognito:groups': 'Developers' };
export const OTHER_DEVELOPER = {
  sub: 'user-dev-2',
  email: 'dev2@example.com',
  'cognito:groups': 'Developers',
};
export const ADMIN = { sub: 'user-admin', email: 'admin@example.com', 'cognito:groups': 'Administrators' };
export const READONLY = { sub: 'user-ro', email: 'ro@example.com', 'cognito:groups': 'ReadOnly' };

export interface EventInput {
  method?: string;
  resource?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  claims?: Record<string, string> | null;
  headers?: Record<string, string>;
}

export function apiEvent(input: EventInput = {}): APIGatewayProxyEvent {
  const claims = input.claims === null ? undefined : { token_use: 'id', ...(input.claims ?? DEVELOPER) };
  const body = input.rawBody ?? (input.body === undefined ? null : JSON.stringify(input.body));
  return {
    resource: input.resource ?? '/',
    path: input.resource ?? '/',
    httpMethod: input.method ?? 'GET',
    headers: { 'Content-Type': 'application/json', ...input.headers },
    multiValueHeaders: {},
    queryStringParameters: input.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    isBase64Encoded: false,
    body,
    requestContext: {
      requestId: 'req-unit-1',
      authorizer: claims ? { claims } : undefined,
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

export const context = {
  awsRequestId: 'aws-req-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Invokes a handler and parses its JSON body. */
export async function invoke(handler: Handler, input: EventInput = {}) {
  const response = await handler(apiEvent(input), context);
  const json = response.body ? (JSON.parse(response.body) as Record<string, unknown>) : undefined;
  return { status: response.statusCode, headers: response.headers ?? {}, body: json ?? {} };
}
