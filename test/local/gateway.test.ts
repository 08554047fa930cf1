/**
 * The local API Gateway: proxy events as API Gateway builds them, the Cognito authorizer's
 * verdicts (with real tokens from the local Cognito), and the gateway's own errors in the
 * product's error shape. Uses its own route table and test handlers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAccess, RouteDefinition } from '../../functions/api/route-types.ts';
import { type LocalCognito, SEED_USERS, startCognito } from '../../local/cognito.ts';
import { type LocalGateway, startGateway } from '../../local/gateway.ts';
import { cognitoLocalPrivateKey, foreignPrivateKey, http, login, signJwt } from './helpers.ts';

const handlersDir = fileURLToPath(new URL('./fixtures/handlers', import.meta.url));

const route = (
  method: RouteDefinition['method'],
  path: string,
  handler: string,
  access: RouteAccess,
): RouteDefinition => ({
  operationId: `${method.toLowerCase()}${path.replace(/\W/g, '_')}`,
  method,
  path,
  // Each fixture handler file plays the part of a group's entry point.
  group: handler,
  access,
  summary: 'test route',
  tag: 'test',
  success: { status: 200, description: 'ok' },
});

const routes: RouteDefinition[] = [
  route('GET', '/health', 'echo', 'public'),
  route('GET', '/things/{thing_id}', 'echo', 'read'),
  route('GET', '/things/special', 'echo', 'read'),
  route('POST', '/things', 'echo', 'write'),
  route('GET', '/crash', 'crash', 'public'),
  route('GET', '/malformed', 'malformed', 'public'),
  route('GET', '/binary', 'binary', 'public'),
  route('GET', '/slow', 'slow', 'public'),
];

interface Echo {
  event: APIGatewayProxyEvent;
  context: { functionName: string; remaining: number };
}

let dir: string;
let cognito: LocalCognito;
let gateway: LocalGateway;
let idToken: string;
let accessToken: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateway-test-'));
  cognito = await startCognito({ dir });
  gateway = await startGateway({
    port: 0,
    routes,
    handlersDir,
    quiet: true,
    auth: { userPoolId: cognito.userPoolId, clientId: cognito.clientId, jwks: cognito.jwks },
  });
  const developer = SEED_USERS.find((user) => user.group === 'Developers');
  if (!developer) throw new Error('no seeded developer');
  ({ idToken, accessToken } = await login(
    cognito.endpoint,
    cognito.clientId,
    developer.email,
    developer.password,
  ));
});

afterAll(async () => {
  await gateway?.stop();
  await cognito?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const expectGatewayError = (
  answer: Awaited<ReturnType<typeof http>>,
  status: number,
  code: string,
  detail?: string,
): void => {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toContain('application/json');
  expect(answer.json).toMatchObject({ error_code: code });
  expect(answer.json?.request_id).toBe(answer.headers.get('x-amzn-requestid'));
  expect(new Date(String(answer.json?.timestamp)).toISOString()).toBe(answer.json?.timestamp);
  if (detail !== undefined) expect(answer.json?.detail).toBe(detail);
};

describe('proxy events', () => {
  it('builds a REST v1 event for a public route: no authorizer, nulls for what is absent', async () => {
    const answer = await http(`${gateway.baseUrl}/health`, { headers: { 'User-Agent': 'gateway-test' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-handler')).toBe('echo');
    expect(answer.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const { event, context } = answer.json as unknown as Echo;
    expect(event).toMatchObject({
      resource: '/health',
      path: '/health',
      httpMethod: 'GET',
      pathParameters: null,
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
    expect(event.requestContext).toMatchObject({
      stage: 'v1',
      path: '/v1/health',
      resourcePath: '/health',
      httpMethod: 'GET',
      requestId: answer.headers.get('x-amzn-requestid'),
      identity: { sourceIp: '127.0.0.1', userAgent: 'gateway-test' },
    });
    expect(typeof event.requestContext.requestTimeEpoch).toBe('number');
    expect(event.requestContext.authorizer).toBeUndefined();
    expect(event.headers['User-Agent']).toBe('gateway-test');
    expect(event.multiValueHeaders['User-Agent']).toEqual(['gateway-test']);
    expect(context.functionName).toBe('echo');
    expect(context.remaining).toBeGreaterThan(20_000);
  });

  it('passes decoded path parameters, query strings (single and multi) and the body', async () => {
    const answer = await http(`${gateway.baseUrl}/things`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${idToken}`, 'Content-Type': 'application/json' },
      body: '{"name":"x"}',
    });
    expect(answer.status).toBe(200);
    expect((answer.json as unknown as Echo).event.body).toBe('{"name":"x"}');

    const get = await http(`${gateway.baseUrl}/things/a%20b%2Fc?tag=1&tag=2&q=hello%20world`, {
      headers: { Authorization: `Bearer ${idToken}` },
    });
    const { event } = get.json as unknown as Echo;
    expect(event.resource).toBe('/things/{thing_id}');
    expect(event.pathParameters).toEqual({ thing_id: 'a b/c' });
    expect(event.queryStringParameters).toEqual({ tag: '2', q: 'hello world' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['1', '2'], q: ['hello world'] });
  });

  it('passes query parameters and headers named like Object.prototype members as plain names', async () => {
    // Arrange: found by the contract fuzzer (`?constructor=x` was a 500)
    const url = `${gateway.baseUrl}/things/t?constructor=a&__proto__=b&toString=c&constructor=d`;

    // Act
    const answer = await http(url, { headers: { Authorization: `Bearer ${idToken}`, constructor: 'h' } });

    // Assert
    expect(answer.status).toBe(200);
    const { event } = answer.json as unknown as Echo;
    expect(event.queryStringParameters).toEqual({ constructor: 'd', ['__proto__']: 'b', toString: 'c' });
    expect(event.multiValueQueryStringParameters).toEqual({
      constructor: ['a', 'd'],
      ['__proto__']: ['b'],
      toString: ['c'],
    });
    expect(event.headers.constructor).toBe('h');
  });

  it('prefers a literal segment over a path parameter', async () => {
    const answer = await http(`${gateway.baseUrl}/things/special`, {
      headers: { Authorization: `Bearer ${idToken}` },
    });
    const { event } = answer.json as unknown as Echo;
    expect(event.resource).toBe('/things/special');
    expect(event.pathParameters).toBeNull();
  });

  it('returns base64 bodies decoded and merges multi-value headers', async () => {
    const response = await fetch(`${gateway.baseUrl}/binary`);
    expect(response.status).toBe(201);
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });
});

describe('the Cognito authorizer', () => {
  it('lets a valid ID token through and hands the claims over as strings', async () => {
    const answer = await http(`${gateway.baseUrl}/things/t1`, {
      headers: { Authorization: `Bearer ${idToken}` },
    });
    expect(answer.status).toBe(200);
    const claims = (answer.json as unknown as Echo).event.requestContext.authorizer?.claims as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({
      email: 'developer@example.com',
      'cognito:groups': 'Developers',
      email_verified: 'true',
      token_use: 'id',
      aud: cognito.clientId,
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${cognito.userPoolId}`,
      name: 'Local Developer',
    });
    for (const value of Object.values(claims)) {
      expect(typeof value).toBe('string');
    }
    // As API Gateway renders them: `exp`/`iat` as dates, `auth_time` as epoch seconds.
    expect(claims.exp).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
    expect(claims.auth_time).toMatch(/^\d+$/);
  });

  it('accepts the raw token without the Bearer prefix', async () => {
    const answer = await http(`${gateway.baseUrl}/things/t1`, { headers: { Authorization: idToken } });
    expect(answer.status).toBe(200);
  });

  it('refuses a request without a token', async () => {
    const answer = await http(`${gateway.baseUrl}/things/t1`);
    expectGatewayError(answer, 401, 'UNAUTHORIZED');
  });

  it('refuses a malformed token', async () => {
    for (const authorization of ['Bearer not-a-jwt', 'Bearer a.b.c', 'Bearer ']) {
      expectGatewayError(
        await http(`${gateway.baseUrl}/things/t1`, { headers: { Authorization: authorization } }),
        401,
        'UNAUTHORIZED',
      );
    }
  });

  it('refuses an expired token signed with the pool key', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt(
      {
        sub: 'u1',
        token_use: 'id',
        aud: cognito.clientId,
        iss: cognito.issuer,
        email: 'developer@example.com',
        iat: now - 7200,
        exp: now - 3600,
      },
      cognitoLocalPrivateKey(),
    );
    expectGatewayError(
      await http(`${gateway.baseUrl}/things/t1`, { headers: { Authorization: `Bearer ${expired}` } }),
      401,
      'UNAUTHORIZED',
    );

    // The same claims, still valid: proves the forged tokens are otherwise acceptable.
    const valid = signJwt(
      { sub: 'u1', token_use: 'id', aud: cognito.clientId, iss: cognito.issuer, iat: now, exp: now + 600 },
      cognitoLocalPrivateKey(),
    );
    expect(
      (await http(`${gateway.baseUrl}/things/t1`, { headers: { Authorization: `Bearer ${valid}` } })).status,
    ).toBe(200);
  });

  it('refuses a token with a wrong signature', async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = signJwt(
      { sub: 'u1', token_use: 'id', aud: cognito.clientId, iss: cognito.issuer, iat: now, exp: now + 600 },
      foreignPrivateKey(),
    );
    expectGatewayError(
      await http(`${gateway.baseUrl}/things/t1`, { headers: { Authorization: `Bearer ${forged}` } }),
      401,
      'UNAUTHORIZED',
    );
    // Tampering with the payload of a real token breaks its signature too.
    const [header, , signature] = idToken.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: 'someone-else', token_use: 'id' })).toString('base64url')}.${signature}`;
    expectGatewayError(
      await http(`${gateway.baseUrl}/things/t1`, { headers: { Authorization: `Bearer ${tampered}` } }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('refuses an ID token issued to another app client (wrong audience)', async () => {
    const client = new CognitoIdentityProviderClient({
      endpoint: cognito.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const other = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: cognito.userPoolId,
        ClientName: 'another-client',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    client.destroy();
    const otherClientId = other.UserPoolClient?.ClientId ?? '';
    const tokens = await login(
      cognito.endpoint,
      otherClientId,
      'developer@example.com',
      SEED_USERS[1]?.password ?? '',
    );
    expectGatewayError(
      await http(`${gateway.baseUrl}/things/t1`, { headers: { Authorization: `Bearer ${tokens.idToken}` } }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('refuses an access token (the API takes ID tokens)', async () => {
    expectGatewayError(
      await http(`${gateway.baseUrl}/things/t1`, { headers: { Authorization: `Bearer ${accessToken}` } }),
      401,
      'UNAUTHORIZED',
    );
  });
});

describe('gateway errors', () => {
  it('answers 404 NOT_FOUND for an unknown route, a wrong method, or a path outside the stage', async () => {
    expectGatewayError(
      await http(`${gateway.baseUrl}/nope`),
      404,
      'NOT_FOUND',
      'Route not found: GET /v1/nope',
    );
    expectGatewayError(
      await http(`${gateway.baseUrl}/health`, { method: 'DELETE' }),
      404,
      'NOT_FOUND',
      'Route not found: DELETE /v1/health',
    );
    expectGatewayError(
      await http(`http://127.0.0.1:${gateway.port}/health`),
      404,
      'NOT_FOUND',
      'Route not found: GET /health',
    );
    // Unknown routes answer 404 before any token check, as API Gateway does.
    expectGatewayError(await http(`${gateway.baseUrl}/things/t1/deeper`), 404, 'NOT_FOUND');
  });

  it('answers 413 for a body over API Gateway’s 10 MB limit', async () => {
    const answer = await http(`${gateway.baseUrl}/things`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${idToken}`, 'Content-Type': 'application/json' },
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expectGatewayError(answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 502 INTERNAL_ERROR when the handler throws or returns a malformed response', async () => {
    expectGatewayError(
      await http(`${gateway.baseUrl}/crash`),
      502,
      'INTERNAL_ERROR',
      'Internal server error',
    );
    expectGatewayError(
      await http(`${gateway.baseUrl}/malformed`),
      502,
      'INTERNAL_ERROR',
      'Internal server error',
    );
  });

  it('answers 504 when the handler outlives the integration timeout', async () => {
    const impatient = await startGateway({
      port: 0,
      routes,
      handlersDir,
      quiet: true,
      timeoutMs: 100,
      auth: { userPoolId: cognito.userPoolId, clientId: cognito.clientId, jwks: cognito.jwks },
    });
    try {
      expectGatewayError(
        await http(`${impatient.baseUrl}/slow`),
        504,
        'INTERNAL_ERROR',
        'Endpoint request timed out',
      );
    } finally {
      await impatient.stop();
    }
  });
});
