/**
 * Authorizer parity: the local gateway refuses exactly the tokens API Gateway's Cognito user
 * pool authorizer refuses (docs/decisions.md §33), each with the gateway's 401 in the
 * documented shape. Tokens are minted with the local pool's signing key (cognito-local's), so
 * every refusal is about the one thing each case changes: the control token, built the same
 * way, goes through.
 */
import { createHmac, createPrivateKey, createPublicKey, createSign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteDefinition } from '../../functions/api/route-types.ts';
import { loadJwks } from '../../local/cognito/keys.ts';
import { type LocalGateway, startGateway } from '../../local/gateway.ts';
import { cognitoLocalPrivateKey, foreignPrivateKey, http, signJwt } from './helpers.ts';

const handlersDir = fileURLToPath(new URL('./fixtures/handlers', import.meta.url));
const USER_POOL_ID = 'us-east-1_Parity1';
const CLIENT_ID = 'parityclient0000000000000';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${USER_POOL_ID}`;

const routes: RouteDefinition[] = [
  {
    operationId: 'getThing',
    method: 'GET',
    path: '/things/{thing_id}',
    group: 'echo',
    access: 'read',
    summary: 'test route',
    tag: 'test',
    success: { status: 200, description: 'ok' },
  },
];

let gateway: LocalGateway;

beforeAll(async () => {
  gateway = await startGateway({
    port: 0,
    routes,
    handlersDir,
    quiet: true,
    auth: { userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks: await loadJwks() },
  });
});

afterAll(async () => {
  await gateway?.stop();
});

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The claims of an ID token the pool would issue to the app client now. */
const idClaims = (): Record<string, unknown> => ({
  sub: 'u1',
  'cognito:groups': ['Developers'],
  email: 'developer@example.com',
  token_use: 'id',
  aud: CLIENT_ID,
  iss: ISSUER,
  auth_time: nowSeconds(),
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
});

/** An ID token signed with the pool's key, with `change` applied to its claims. */
const idToken = (change: (claims: Record<string, unknown>) => void = () => undefined): string => {
  const claims = idClaims();
  change(claims);
  return signJwt(claims, cognitoLocalPrivateKey());
};

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const call = (authorization: string | undefined): ReturnType<typeof http> =>
  http(`${gateway.baseUrl}/things/t1`, {
    headers: authorization === undefined ? {} : { Authorization: authorization },
  });

/** The gateway's 401, as the CDK stack's UNAUTHORIZED gateway response renders it. */
const expectRefused = async (authorization: string | undefined): Promise<void> => {
  const answer = await call(authorization);
  expect(answer.status).toBe(401);
  expect(answer.headers.get('content-type')).toBe('application/json');
  expect(Object.keys(answer.json ?? {}).sort()).toEqual(['detail', 'error_code', 'request_id', 'timestamp']);
  expect(answer.json?.error_code).toBe('UNAUTHORIZED');
  expect(answer.json?.request_id).toBe(answer.headers.get('x-amzn-requestid'));
  expect(new Date(String(answer.json?.timestamp)).toISOString()).toBe(answer.json?.timestamp);
};

describe('authorizer parity: what goes through', () => {
  it('lets the control token through, raw or after "Bearer " (either case)', async () => {
    const token = idToken();
    for (const authorization of [token, `Bearer ${token}`, `bearer ${token}`, `  Bearer   ${token}  `]) {
      expect((await call(authorization)).status).toBe(200);
    }
  });

  it('lets a token without `iat` through, and one whose `nbf` has passed', async () => {
    expect((await call(idToken((claims) => delete claims.iat))).status).toBe(200);
    expect((await call(idToken((claims) => Object.assign(claims, { nbf: nowSeconds() - 60 })))).status).toBe(
      200,
    );
  });
});

describe('authorizer parity: what is refused with 401', () => {
  it('refuses a request without a token, an empty one, or another scheme', async () => {
    await expectRefused(undefined);
    await expectRefused('');
    await expectRefused('Bearer');
    await expectRefused('Bearer ');
    await expectRefused(`Basic ${Buffer.from('user:password').toString('base64')}`);
    await expectRefused(`Token ${idToken()}`);
  });

  it('refuses malformed tokens', async () => {
    const [header, payload, signature] = idToken().split('.');
    for (const token of [
      'not-a-jwt',
      'a.b.c',
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.extra`,
      `${header}.!!!.${signature}`,
      `${encode('a string')}.${payload}.${signature}`,
    ]) {
      await expectRefused(`Bearer ${token}`);
    }
  });

  it('refuses a token without `exp` (aws-jwt-verify checks it only when present)', async () => {
    await expectRefused(`Bearer ${idToken((claims) => delete claims.exp)}`);
  });

  it('refuses a token whose `exp` is not a number', async () => {
    await expectRefused(
      `Bearer ${idToken((claims) => Object.assign(claims, { exp: String(nowSeconds() + 600) }))}`,
    );
  });

  it('refuses an expired token', async () => {
    await expectRefused(
      `Bearer ${idToken((claims) => Object.assign(claims, { iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }))}`,
    );
    await expectRefused(`Bearer ${idToken((claims) => Object.assign(claims, { exp: nowSeconds() - 1 }))}`);
  });

  it('refuses a token whose `nbf` is in the future', async () => {
    await expectRefused(`Bearer ${idToken((claims) => Object.assign(claims, { nbf: nowSeconds() + 600 }))}`);
  });

  it('refuses a token issued in the future (`iat` after now)', async () => {
    await expectRefused(`Bearer ${idToken((claims) => Object.assign(claims, { iat: nowSeconds() + 600 }))}`);
  });

  it('refuses an access token, and a token without or with another `token_use`', async () => {
    await expectRefused(
      `Bearer ${idToken((claims) => {
        delete claims.aud;
        Object.assign(claims, {
          token_use: 'access',
          client_id: CLIENT_ID,
          scope: 'aws.cognito.signin.user.admin',
        });
      })}`,
    );
    await expectRefused(`Bearer ${idToken((claims) => delete claims.token_use)}`);
    await expectRefused(`Bearer ${idToken((claims) => Object.assign(claims, { token_use: 'refresh' }))}`);
  });

  it('refuses an ID token for another app client (`aud`)', async () => {
    await expectRefused(
      `Bearer ${idToken((claims) => Object.assign(claims, { aud: 'anotherclient000000000000' }))}`,
    );
    await expectRefused(`Bearer ${idToken((claims) => delete claims.aud)}`);
  });

  it('refuses a token from another issuer (another pool, or the local endpoint)', async () => {
    await expectRefused(
      `Bearer ${idToken((claims) => Object.assign(claims, { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other1' }))}`,
    );
    await expectRefused(
      `Bearer ${idToken((claims) => Object.assign(claims, { iss: `http://127.0.0.1:9229/${USER_POOL_ID}` }))}`,
    );
    await expectRefused(`Bearer ${idToken((claims) => delete claims.iss)}`);
  });

  it('refuses a bad signature: another key, or a payload changed after signing', async () => {
    await expectRefused(`Bearer ${signJwt(idClaims(), foreignPrivateKey())}`);
    const [header, , signature] = idToken().split('.');
    await expectRefused(`Bearer ${header}.${encode({ ...idClaims(), sub: 'someone-else' })}.${signature}`);
  });

  it('refuses a token signed with a key id the pool does not have', async () => {
    await expectRefused(`Bearer ${signJwt(idClaims(), cognitoLocalPrivateKey(), 'unknown-kid')}`);
  });

  it('refuses `alg: none` and an HMAC token keyed with the public key', async () => {
    await expectRefused(
      `Bearer ${encode({ alg: 'none', typ: 'JWT', kid: 'CognitoLocal' })}.${encode(idClaims())}.`,
    );
    const publicPem = createPublicKey(createPrivateKey(cognitoLocalPrivateKey()))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const signingInput = `${encode({ alg: 'HS256', typ: 'JWT', kid: 'CognitoLocal' })}.${encode(idClaims())}`;
    const mac = createHmac('sha256', publicPem).update(signingInput).digest('base64url');
    await expectRefused(`Bearer ${signingInput}.${mac}`);
    // RS512 with the right key: the pool's key is RS256 only.
    const rs512Input = `${encode({ alg: 'RS512', typ: 'JWT', kid: 'CognitoLocal' })}.${encode(idClaims())}`;
    const rs512 = createSign('RSA-SHA512')
      .update(rs512Input)
      .sign(cognitoLocalPrivateKey())
      .toString('base64url');
    await expectRefused(`Bearer ${rs512Input}.${rs512}`);
  });
});
