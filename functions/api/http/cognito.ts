/**
 * The Cognito client the auth routes proxy to, and the translation of Cognito's
 * exceptions into the API's errors. Login and confirm answer an unknown user exactly
 * like a wrong password or code; signup does say that an email is taken (as Cognito
 * itself does), the usual trade-off for a usable signup.
 */
import { ConflictError, UnauthorizedError } from '../../domain/errors.ts';
import { HttpError, RequestValidationError } from './errors.ts';

export { cognito } from '../../platform/clients.ts';

/** Maps a Cognito exception to an API error; anything unexpected is rethrown (→ 500). */
export function translateCognitoError(error: unknown): never {
  const name = error instanceof Error ? error.name : '';
  switch (name) {
    case 'UsernameExistsException':
    case 'AliasExistsException':
      throw new ConflictError('An account with this email already exists', 'USER_EXISTS');
    case 'InvalidPasswordException':
      throw new RequestValidationError([
        {
          field: 'body.password',
          message: 'must be at least 12 characters with upper and lower case letters, a digit and a symbol',
        },
      ]);
    case 'InvalidParameterException':
      throw new RequestValidationError([{ field: 'body', message: 'rejected by the identity provider' }]);
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
      throw new UnauthorizedError('Incorrect email, password or token');
    case 'UserNotConfirmedException':
      throw new HttpError(403, 'USER_NOT_CONFIRMED', 'Confirm your account with the emailed code first');
    case 'PasswordResetRequiredException':
      throw new HttpError(403, 'PASSWORD_RESET_REQUIRED', 'A password reset is required for this account');
    case 'CodeMismatchException':
      throw new HttpError(400, 'INVALID_CODE', 'The confirmation code is not valid');
    case 'ExpiredCodeException':
      throw new HttpError(400, 'CODE_EXPIRED', 'The confirmation code has expired');
    case 'TooManyRequestsException':
    case 'LimitExceededException':
    case 'TooManyFailedAttemptsException':
      throw new HttpError(429, 'THROTTLED', 'Too many requests, slow down');
    default:
      throw error;
  }
}

/** Confirm answers an unknown user like a wrong code, so it cannot be used to probe for accounts. */
export function translateConfirmError(error: unknown): never {
  if (error instanceof Error && error.name === 'UserNotFoundException') {
    throw new HttpError(400, 'INVALID_CODE', 'The confirmation code is not valid');
  }
  return translateCognitoError(error);
}
