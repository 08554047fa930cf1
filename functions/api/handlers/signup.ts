/** POST /auth/signup — creates a Cognito user (email as user name). */
import { SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { authConfig } from '../../platform/config.ts';
import { cognito, translateCognitoError } from '../http/cognito.ts';
import { httpRoute } from '../http/http.ts';
import { authRoutes } from '../routes/auth.ts';

export const handler = httpRoute(authRoutes.signup, async ({ body }) => {
  const attributes = [{ Name: 'email', Value: body.email }];
  if (body.name) attributes.push({ Name: 'name', Value: body.name });
  const result = await cognito()
    .send(
      new SignUpCommand({
        ClientId: authConfig().USER_POOL_CLIENT_ID,
        Username: body.email,
        Password: body.password,
        UserAttributes: attributes,
      }),
    )
    .catch(translateCognitoError);
  return {
    statusCode: 201,
    body: { user_id: result.UserSub ?? '', email: body.email, confirmed: result.UserConfirmed === true },
  };
});
