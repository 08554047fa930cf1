/**
 * POST /auth/login — USER_PASSWORD_AUTH; the id_token is the API's Bearer token. A service
 * account (`…@service-accounts.invalid`) signs in through its own app client, whose tokens
 * are short-lived (docs/decisions.md §44); people through theirs.
 */
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { SERVICE_ACCOUNT_DOMAIN } from '../../domain/access.ts';
import { UnauthorizedError } from '../../domain/errors.ts';
import { authConfig } from '../../platform/config.ts';
import { cognito, translateCognitoError } from '../http/cognito.ts';
import { httpRoute } from '../http/http.ts';
import { authRoutes } from '../routes/auth.ts';

/** The app client a login goes through: the service accounts' for their domain, people's otherwise. */
export function loginClientId(email: string): string {
  const config = authConfig();
  return email.toLowerCase().endsWith(`@${SERVICE_ACCOUNT_DOMAIN}`)
    ? config.SERVICE_ACCOUNT_CLIENT_ID
    : config.USER_POOL_CLIENT_ID;
}

export const handler = httpRoute(authRoutes.login, async ({ body }) => {
  const result = await cognito()
    .send(
      new InitiateAuthCommand({
        ClientId: loginClientId(body.email),
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
