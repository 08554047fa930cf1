/** POST /auth/refresh — REFRESH_TOKEN_AUTH: new id and access tokens. */
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { UnauthorizedError } from '../../domain/errors.ts';
import { authConfig } from '../../platform/config.ts';
import { cognito, translateCognitoError } from '../http/cognito.ts';
import { httpRoute } from '../http/http.ts';
import { authRoutes } from '../routes/auth.ts';

export const handler = httpRoute(authRoutes.refresh, async ({ body }) => {
  const result = await cognito()
    .send(
      new InitiateAuthCommand({
        ClientId: authConfig().USER_POOL_CLIENT_ID,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: body.refresh_token },
      }),
    )
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
