/**
 * POST /auth/refresh — REFRESH_TOKEN_AUTH: new id and access tokens. A refresh token belongs to
 * the app client that issued it (Cognito refuses it through another): people's client is
 * tried first, then the service accounts' (docs/decisions.md §44).
 */
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { UnauthorizedError } from '../../domain/errors.ts';
import { authConfig } from '../../platform/config.ts';
import { cognito, translateCognitoError } from '../http/cognito.ts';
import { httpRoute } from '../http/http.ts';
import { authRoutes } from '../routes/auth.ts';

const refreshThrough = (clientId: string, refreshToken: string) =>
  cognito().send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
  );

export const handler = httpRoute(authRoutes.refresh, async ({ body }) => {
  const config = authConfig();
  const result = await refreshThrough(config.USER_POOL_CLIENT_ID, body.refresh_token)
    .catch((error: unknown) => {
      if (error instanceof Error && error.name === 'NotAuthorizedException') {
        return refreshThrough(config.SERVICE_ACCOUNT_CLIENT_ID, body.refresh_token);
      }
      throw error;
    })
    .catch(translateCognitoError);
  const tokens = result.AuthenticationResult;
  if (!tokens?.IdToken || !tokens.AccessToken)
    throw new UnauthorizedError('The refresh token was not accepted');
  return {
    statusCode: 200,
    body: {
      id_token: tokens.IdToken,
      access_token: tokens.AccessToken,
      expires_in: tokens.ExpiresIn ?? 3600,
      token_type: 'Bearer',
    },
  };
});
