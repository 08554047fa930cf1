/**
 * Where cognito-local differs from Cognito in a way the product can see, every request is
 * fixed on its way in or out: the pool's password policy is enforced, the client's allowed
 * auth flows are enforced, admin operations resolve an alias (the email) to the username,
 * failed logins answer NotAuthorizedException like Cognito, and AuthenticationResult
 * carries ExpiresIn and TokenType. For service accounts (docs/decisions.md §44): a disabled
 * user cannot sign in or refresh, a refresh token works only through the app client that
 * issued it and only until it expires, and AdminUserGlobalSignOut (which cognito-local lacks)
 * revokes the user's refresh tokens. A user's own UpdateUserAttributes may write only what
 * the app client's WriteAttributes allow (cognito-local does not look), so nobody rewrites
 * their `custom:project_id`.
 */
import type { AppClient } from 'cognito-local/lib/services/appClient.js';
import type { User } from 'cognito-local/lib/services/userPoolService.js';
import { type PasswordPolicy, passwordPolicyViolation } from './password-policy.ts';
import type { CognitoServices } from './services.ts';

/** cognito-local's stored user, with the refresh tokens' clients this stand-in adds. */
type StoredUser = User & { RefreshTokenClients?: Record<string, string> };

/** Calls a Cognito API operation (`'AdminGetUser'`, `{...}`) through the stand-in's checks. */
export type CognitoCall = (operation: string, request: Record<string, unknown>) => Promise<unknown>;

/** The flag an app client needs in ExplicitAuthFlows for each InitiateAuth flow. */
const REQUIRED_FLOW_FLAG: Record<string, string> = {
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  REFRESH_TOKEN_AUTH: 'ALLOW_REFRESH_TOKEN_AUTH',
  REFRESH_TOKEN: 'ALLOW_REFRESH_TOKEN_AUTH',
  USER_SRP_AUTH: 'ALLOW_USER_SRP_AUTH',
  CUSTOM_AUTH: 'ALLOW_CUSTOM_AUTH',
};

function decodeJwtPayload(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== 'string') return undefined;
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Every operation, HTTP or in-process, goes through the call this returns. */
export function createCall(services: CognitoServices): CognitoCall {
  const { cognito, ctx, route, cognitoError } = services;

  // ---- Checks cognito-local does not make ----------------------------------------------
  const policyOfPool = async (poolId: unknown): Promise<PasswordPolicy | undefined> => {
    if (typeof poolId !== 'string') return undefined;
    const pool = await cognito.getUserPool(ctx, poolId);
    return pool.options.Policies?.PasswordPolicy as PasswordPolicy | undefined;
  };
  const policyOfClient = async (clientId: unknown): Promise<PasswordPolicy | undefined> => {
    if (typeof clientId !== 'string') return undefined;
    const pool = await cognito.getUserPoolForClientId(ctx, clientId);
    return pool.options.Policies?.PasswordPolicy as PasswordPolicy | undefined;
  };
  const checkPassword = (password: unknown, policy: PasswordPolicy | undefined): void => {
    if (typeof password !== 'string' || !policy) return;
    const violation = passwordPolicyViolation(password, policy);
    if (violation) {
      throw cognitoError('InvalidPasswordException', `Password did not conform with policy: ${violation}`);
    }
  };

  const enforcePasswordPolicy = async (
    operation: string,
    request: Record<string, unknown>,
  ): Promise<void> => {
    switch (operation) {
      case 'SignUp':
      case 'ConfirmForgotPassword':
        return checkPassword(request.Password, await policyOfClient(request.ClientId));
      case 'AdminSetUserPassword':
        return checkPassword(request.Password, await policyOfPool(request.UserPoolId));
      case 'AdminCreateUser':
        return checkPassword(request.TemporaryPassword, await policyOfPool(request.UserPoolId));
      case 'RespondToAuthChallenge': {
        const responses = request.ChallengeResponses as Record<string, unknown> | undefined;
        return checkPassword(responses?.NEW_PASSWORD, await policyOfClient(request.ClientId));
      }
      case 'ChangePassword': {
        const iss = decodeJwtPayload(request.AccessToken)?.iss;
        const poolId = typeof iss === 'string' ? iss.split('/').pop() : undefined;
        return checkPassword(request.ProposedPassword, await policyOfPool(poolId));
      }
      default:
        return undefined;
    }
  };

  const enforceAuthFlow = async (request: Record<string, unknown>): Promise<AppClient | null> => {
    if (typeof request.ClientId !== 'string') return null;
    const client = await cognito.getAppClient(ctx, request.ClientId);
    const flag = REQUIRED_FLOW_FLAG[String(request.AuthFlow)];
    if (client?.ExplicitAuthFlows && flag && !client.ExplicitAuthFlows.includes(flag)) {
      throw cognitoError(
        'InvalidParameterException',
        `${String(request.AuthFlow)} flow not enabled for this client`,
      );
    }
    return client;
  };

  /**
   * Admin operations take the username or an alias (the email, in this pool). Some
   * cognito-local targets compare the raw request value with stored usernames (which are
   * subs here), e.g. AdminListGroupsForUser finds no groups for an email; Cognito resolves
   * the alias first, so do that here.
   */
  const resolveAlias = async (operation: string, request: Record<string, unknown>): Promise<void> => {
    // AdminCreateUser names a new user: nothing to resolve (and an existing one must stay a conflict).
    if (
      !operation.startsWith('Admin') ||
      operation === 'AdminCreateUser' ||
      typeof request.UserPoolId !== 'string' ||
      typeof request.Username !== 'string'
    ) {
      return;
    }
    const pool = await cognito.getUserPool(ctx, request.UserPoolId).catch(() => undefined);
    const user = await pool?.getUserByUsername(ctx, request.Username);
    if (user) request.Username = user.Username;
  };

  // ---- Sessions: what cognito-local does not keep of a refresh token ----------------------
  /** The user of a login or refresh request, if any (cognito-local's own lookups). */
  const userOfAuth = async (request: Record<string, unknown>): Promise<StoredUser | null> => {
    if (typeof request.ClientId !== 'string') return null;
    const pool = await cognito.getUserPoolForClientId(ctx, request.ClientId).catch(() => undefined);
    const parameters = (request.AuthParameters ?? {}) as Record<string, unknown>;
    if (!pool) return null;
    if (typeof parameters.REFRESH_TOKEN === 'string') {
      return (await pool.getUserByRefreshToken(ctx, parameters.REFRESH_TOKEN)) as StoredUser | null;
    }
    if (typeof parameters.USERNAME === 'string') {
      return (await pool.getUserByUsername(ctx, parameters.USERNAME)) as StoredUser | null;
    }
    return null;
  };

  /** Cognito refuses a disabled user, a refresh token of another client and an expired one. */
  const checkSession = async (request: Record<string, unknown>): Promise<void> => {
    const user = await userOfAuth(request);
    if (!user) return;
    if (user.Enabled === false) throw cognitoError('NotAuthorizedException', 'User is disabled.');
    const token = (request.AuthParameters as Record<string, unknown> | undefined)?.REFRESH_TOKEN;
    if (typeof token !== 'string') return;
    const issuedTo = user.RefreshTokenClients?.[token];
    const exp = Number(decodeJwtPayload(token)?.exp);
    if (
      (issuedTo !== undefined && issuedTo !== request.ClientId) ||
      (Number.isFinite(exp) && exp * 1000 < Date.now())
    ) {
      throw cognitoError('NotAuthorizedException', 'Invalid Refresh Token');
    }
  };

  /** Notes which client a new refresh token belongs to (kept on the user, so it survives restarts). */
  const recordRefreshToken = async (request: Record<string, unknown>, token: unknown): Promise<void> => {
    if (typeof token !== 'string' || typeof request.ClientId !== 'string') return;
    const pool = await cognito.getUserPoolForClientId(ctx, request.ClientId);
    const user = (await pool.getUserByRefreshToken(ctx, token)) as StoredUser | null;
    if (!user) return;
    await pool.saveUser(ctx, {
      ...user,
      RefreshTokenClients: { ...user.RefreshTokenClients, [token]: request.ClientId },
    } as StoredUser);
  };

  /** AdminUserGlobalSignOut: every refresh token of the user stops working. */
  const globalSignOut = async (request: Record<string, unknown>): Promise<Record<string, never>> => {
    const pool = await cognito.getUserPool(ctx, String(request.UserPoolId));
    const user = (await pool.getUserByUsername(ctx, String(request.Username))) as StoredUser | null;
    if (!user) throw cognitoError('UserNotFoundException', 'User does not exist.');
    await pool.saveUser(ctx, { ...user, RefreshTokens: [], RefreshTokenClients: {} } as StoredUser);
    return {};
  };

  /** Cognito refuses a user's write of an attribute its app client may not write. */
  const enforceWriteAttributes = async (request: Record<string, unknown>): Promise<void> => {
    const clientId = decodeJwtPayload(request.AccessToken)?.client_id;
    if (typeof clientId !== 'string') return;
    const allowed = (await cognito.getAppClient(ctx, clientId))?.WriteAttributes;
    if (!allowed) return;
    const names = ((request.UserAttributes ?? []) as { Name?: unknown }[]).map((a) => String(a.Name));
    const refused = names.find(
      (name) => !allowed.includes(name) && !(name === 'email_verified' && allowed.includes('email')),
    );
    if (refused) {
      throw cognitoError('NotAuthorizedException', 'A client attempted to write unauthorized attribute');
    }
  };

  return async (operation, request) => {
    if (operation === 'UpdateUserAttributes') await enforceWriteAttributes(request);
    await enforcePasswordPolicy(operation, request);
    await resolveAlias(operation, request);
    if (operation === 'AdminUserGlobalSignOut') return globalSignOut(request);
    if (operation !== 'InitiateAuth') {
      return route(operation)(ctx, request);
    }
    await enforceAuthFlow(request);
    await checkSession(request);
    let result: { AuthenticationResult?: Record<string, unknown> };
    try {
      result = (await route(operation)(ctx, request)) as typeof result;
    } catch (error) {
      // Cognito never says which of username or password was wrong.
      const code = (error as { code?: unknown }).code;
      if (code === 'InvalidPasswordException' || code === 'NotAuthorizedException') {
        throw cognitoError('NotAuthorizedException', 'Incorrect username or password.');
      }
      throw error;
    }
    const auth = result.AuthenticationResult;
    if (auth) {
      const claims = decodeJwtPayload(auth.AccessToken);
      const lifetime = Number(claims?.exp) - Number(claims?.iat);
      auth.ExpiresIn = Number.isFinite(lifetime) ? lifetime : 3600;
      auth.TokenType = 'Bearer';
      await recordRefreshToken(request, auth.RefreshToken);
    }
    return result;
  };
}
