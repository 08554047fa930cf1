/** POST /auth/confirm — confirms a signup with the code Cognito emailed. */
import { ConfirmSignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { authConfig } from '../../platform/config.ts';
import { cognito, translateConfirmError } from '../http/cognito.ts';
import { httpRoute } from '../http/http.ts';
import { authRoutes } from '../routes/auth.ts';

export const handler = httpRoute(authRoutes.confirm, async ({ body }) => {
  await cognito()
    .send(
      new ConfirmSignUpCommand({
        ClientId: authConfig().USER_POOL_CLIENT_ID,
        Username: body.email,
        ConfirmationCode: body.code,
      }),
    )
    .catch(translateConfirmError);
  return { statusCode: 200, body: { email: body.email, confirmed: true } };
});
