/**
 * The local Cognito: tokens the production verifier accepts, seeding that survives a
 * restart, auto-confirmed sign-ups, and the Cognito behaviours cognito-local lacks
 * (password policy, allowed auth flows, NotAuthorizedException on a bad login), and what service
 * accounts need: their app client, refresh tokens bound to their client, AdminUserGlobalSignOut,
 * disabled users refused, custom attributes in ID tokens that no client may write.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  InvalidPasswordException,
  NotAuthorizedException,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PASSWORD, type LocalCognito, SEED_USERS, startCognito } from '../../local/cognito.ts';
import { http, login } from './helpers.ts';

let dir: string;
let cognito: LocalCognito;
let client: CognitoIdentityProviderClient;

const connect = (endpoint: string): CognitoIdentityProviderClient =>
  new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cognito-test-'));
  cognito = await startCognito({ dir });
  client = connect(cognito.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await cognito?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the seeded pool', () => {
  it('has a real-format pool id and issues ID tokens the production verifier accepts', async () => {
    expect(cognito.userPoolId).toBe('us-east-1_LocalDev1');
    const verifier = CognitoJwtVerifier.create({
      userPoolId: cognito.userPoolId,
      tokenUse: 'id',
      clientId: cognito.clientId,
    });
    verifier.cacheJwks(cognito.jwks);
    for (const user of SEED_USERS) {
      const { idToken } = await login(cognito.endpoint, cognito.clientId, user.email, user.password);
      const payload = verifier.verifySync(idToken);
      expect(payload).toMatchObject({
        email: user.email,
        'cognito:groups': [user.group],
        token_use: 'id',
        name: user.name,
      });
    }
  });

  it('serves its JWKS over HTTP too', async () => {
    const answer = await http(`${cognito.endpoint}/${cognito.userPoolId}/.well-known/jwks.json`);
    expect(answer.json).toEqual(cognito.jwks);
  });

  it('gives ExpiresIn and TokenType, and refreshes tokens', async () => {
    const first = await client.send(
      new InitiateAuthCommand({
        ClientId: cognito.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'admin@example.com', PASSWORD: LOCAL_PASSWORD },
      }),
    );
    expect(first.AuthenticationResult).toMatchObject({ ExpiresIn: 3600, TokenType: 'Bearer' });
    const refreshed = await client.send(
      new InitiateAuthCommand({
        ClientId: cognito.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: first.AuthenticationResult?.RefreshToken ?? '' },
      }),
    );
    // A fresh ID token (a JWT) of the same user.
    const [, refreshedClaims] = (refreshed.AuthenticationResult?.IdToken ?? '').split('.');
    expect(JSON.parse(Buffer.from(refreshedClaims ?? '', 'base64url').toString('utf8'))).toMatchObject({
      token_use: 'id',
      email: 'admin@example.com',
    });
    expect(refreshed.AuthenticationResult?.ExpiresIn).toBe(3600);
  });
});

describe('Cognito behaviours', () => {
  it('auto-confirms sign-ups, so the new user can log in at once', async () => {
    const signedUp = await client.send(
      new SignUpCommand({
        ClientId: cognito.clientId,
        Username: 'new.user@example.com',
        Password: 'NewUserPassw0rd!',
        UserAttributes: [{ Name: 'name', Value: 'New User' }],
      }),
    );
    expect(signedUp.UserConfirmed).toBe(true);
    expect(signedUp.UserSub).toMatch(/^[0-9a-f-]{36}$/);
    const tokens = await login(
      cognito.endpoint,
      cognito.clientId,
      'new.user@example.com',
      'NewUserPassw0rd!',
    );
    // The new user's own ID token (a JWT with its email and sub).
    const [, claims] = tokens.idToken.split('.');
    expect(JSON.parse(Buffer.from(claims ?? '', 'base64url').toString('utf8'))).toMatchObject({
      token_use: 'id',
      email: 'new.user@example.com',
      sub: signedUp.UserSub,
    });
  });

  it('enforces the pool’s password policy with Cognito’s messages', async () => {
    const cases: [string, string][] = [
      ['Sh0rt!', 'Password not long enough'],
      ['alllowercase1!xx', 'Password must have uppercase characters'],
      ['ALLUPPERCASE1!XX', 'Password must have lowercase characters'],
      ['NoDigitsHere!xx', 'Password must have numeric characters'],
      ['NoSymbolsHere1xx', 'Password must have symbol characters'],
    ];
    for (const [password, reason] of cases) {
      const attempt = client.send(
        new SignUpCommand({ ClientId: cognito.clientId, Username: 'weak@example.com', Password: password }),
      );
      await expect(attempt).rejects.toBeInstanceOf(InvalidPasswordException);
      await expect(attempt).rejects.toThrow(`Password did not conform with policy: ${reason}`);
    }
  });

  it('answers NotAuthorizedException for a wrong password or an unknown user', async () => {
    for (const [username, password] of [
      ['developer@example.com', 'WrongPassw0rd!'],
      ['nobody@example.com', LOCAL_PASSWORD],
    ]) {
      const attempt = client.send(
        new InitiateAuthCommand({
          ClientId: cognito.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username ?? '', PASSWORD: password ?? '' },
        }),
      );
      await expect(attempt).rejects.toBeInstanceOf(NotAuthorizedException);
      await expect(attempt).rejects.toThrow('Incorrect username or password.');
    }
  });

  it('refuses an auth flow the app client does not allow', async () => {
    const srpOnly = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: cognito.userPoolId,
        ClientName: 'srp-only',
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    await expect(
      client.send(
        new InitiateAuthCommand({
          ClientId: srpOnly.UserPoolClient?.ClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'developer@example.com', PASSWORD: LOCAL_PASSWORD },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });
});

describe('a restart', () => {
  it('keeps the client id, the users and their groups (seeding is idempotent)', async () => {
    const before = { clientId: cognito.clientId };
    client.destroy();
    await cognito.stop();
    cognito = await startCognito({ dir });
    client = connect(cognito.endpoint);

    expect(cognito.clientId).toBe(before.clientId);
    // The user who signed up before the restart is still there.
    await login(cognito.endpoint, cognito.clientId, 'new.user@example.com', 'NewUserPassw0rd!');
    const groups = await client.send(
      new AdminListGroupsForUserCommand({
        UserPoolId: cognito.userPoolId,
        Username: 'developer@example.com',
      }),
    );
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['Developers']);
  });
});

/** A user the API would create (a service account's shape): a custom project, a permanent password. */
async function adminCreatedUser(email: string, projectId: string): Promise<void> {
  await cognito.call('AdminCreateUser', {
    UserPoolId: cognito.userPoolId,
    Username: email,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: email },
      { Name: 'custom:project_id', Value: projectId },
    ],
  });
  await cognito.call('AdminSetUserPassword', {
    UserPoolId: cognito.userPoolId,
    Username: email,
    Password: LOCAL_PASSWORD,
    Permanent: true,
  });
}

describe('what service accounts need of the stand-in (docs/decisions.md §44)', () => {
  const user = SEED_USERS.find((u) => u.group === 'Developers') ?? SEED_USERS[0];
  const refresh = (clientId: string, refreshToken: string) =>
    client.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    );
  const seedUser = () => {
    if (!user) throw new Error('no seeded user');
    return user;
  };

  it('has the service accounts’ client: 15-minute tokens whose refresh token works through it only', async () => {
    // Arrange
    const { email, password } = seedUser();
    const tokens = await login(cognito.endpoint, cognito.serviceAccountClientId, email, password);
    const claims = JSON.parse(
      Buffer.from(String(tokens.idToken.split('.')[1]), 'base64url').toString('utf8'),
    );
    // Act
    const own = await refresh(cognito.serviceAccountClientId, tokens.refreshToken);
    const other = await refresh(cognito.clientId, tokens.refreshToken).catch((e: unknown) => e);
    // Assert
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims.aud).toBe(cognito.serviceAccountClientId);
    expect(own.AuthenticationResult?.IdToken).toEqual(expect.any(String));
    expect(other).toBeInstanceOf(NotAuthorizedException);
  });

  it('signs a user out everywhere with AdminUserGlobalSignOut, and refuses a disabled user', async () => {
    // Arrange
    const email = `global-signout-${Date.now()}@example.com`;
    await adminCreatedUser(email, 'prj_x');
    const tokens = await login(cognito.endpoint, cognito.clientId, email, LOCAL_PASSWORD);
    // Act
    await cognito.call('AdminUserGlobalSignOut', { UserPoolId: cognito.userPoolId, Username: email });
    const refreshed = await refresh(cognito.clientId, tokens.refreshToken).catch((e: unknown) => e);
    await cognito.call('AdminDisableUser', { UserPoolId: cognito.userPoolId, Username: email });
    const disabledLogin = await login(cognito.endpoint, cognito.clientId, email, LOCAL_PASSWORD).catch(
      (e: unknown) => e,
    );
    const unknown = await cognito
      .call('AdminUserGlobalSignOut', { UserPoolId: cognito.userPoolId, Username: 'nobody@x.y' })
      .catch((e: unknown) => e);
    // Assert
    expect(refreshed).toBeInstanceOf(NotAuthorizedException);
    expect(disabledLogin).toBeInstanceOf(NotAuthorizedException);
    expect(unknown).toMatchObject({ code: 'UserNotFoundException' });
  });

  it('puts custom attributes in ID tokens, and lets no client write them', async () => {
    // Arrange
    const email = `custom-${Date.now()}@example.com`;
    await adminCreatedUser(email, 'prj_mine');
    const tokens = await login(cognito.endpoint, cognito.clientId, email, LOCAL_PASSWORD);
    // Act
    const claims = JSON.parse(
      Buffer.from(String(tokens.idToken.split('.')[1]), 'base64url').toString('utf8'),
    );
    const rewrite = await cognito
      .call('UpdateUserAttributes', {
        AccessToken: tokens.accessToken,
        UserAttributes: [{ Name: 'custom:project_id', Value: 'prj_theirs' }],
      })
      .catch((e: unknown) => e);
    const rename = cognito.call('UpdateUserAttributes', {
      AccessToken: tokens.accessToken,
      UserAttributes: [{ Name: 'name', Value: 'New Name' }],
    });
    // Assert
    expect(claims['custom:project_id']).toBe('prj_mine');
    expect(rewrite).toMatchObject({ code: 'NotAuthorizedException' });
    await expect(rename).resolves.toBeDefined();
  });
});
