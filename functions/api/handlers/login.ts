/** POST /auth/login — USER_PASSWORD_AUTH; the id_token is the API's Bearer token. */
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { UnauthorizedError } from '../../domain/errors.ts';
import { authConfig } from '../../platform/config.ts';
import { cognito, translateCognitoError } from '../http/cognito.ts';
import { httpRoute } from '../http/http.ts';
import { authRoutes } from '../routes/auth.ts';

export const handler = httpRoute(authRoutes.login, async ({ body }) => {
  const result = await cognito()
    .send(
      new InitiateAuthCommand({
        ClientId: authConfig().USER_POOL_CLIENT_ID,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: body.email, PASSWORD: body.password },
      }),
    )
    .catch(translateCognitoError);
  const tokens = result.AuthenticationResult;
  if (!tokens?.IdToken || !tokens.AccessToken || !tokens.RefreshToken) {
    // A challenge (e.g. NEW_PASSWORD_REQUIRED for admin-created users) cannot be completed here.
    throw new UnauthorizedError(
      `Sign-in needs a step this API does not support (${result.ChallengeName ?? 'unknown'})`,
    );
  }
  return {
    statusCode: 200,
    body: {
      id_token: tokens.IdToken,
      access_token: tokens.AccessToken,
      refresh_token: tokens.RefreshToken,
      expires_in: tokens.ExpiresIn ?? 3600,
      token_type: 'Bearer',
    },
  };
});
