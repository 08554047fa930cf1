/**
 * The user pool's side of service accounts (docs/decisions.md §44): Cognito admin calls on
 * the pool. A service account is a confirmed user in the `ServiceAccounts` group whose email
 * is its username (`sa-<id>@service-accounts.invalid`, a reserved TLD: nothing is ever sent)
 * and whose project, role and expiry are custom attributes the app clients cannot write.
 */

import { randomBytes } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { SERVICE_ACCOUNTS_GROUP } from '../domain/access.ts';
import type { ServiceAccountIdentities } from '../domain/ports.ts';
import { cognito } from '../platform/clients.ts';
import { userPoolConfig } from '../platform/config.ts';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
/** Symbols of Cognito's set that need no quoting in a shell or YAML value. */
const SYMBOLS = '-_.~+=';
const ALPHABET = UPPER + LOWER + DIGITS + SYMBOLS;
const SECRET_LENGTH = 48;

/**
 * 48 characters drawn uniformly (rejection sampling over random bytes) from 68 symbols: about
 * 292 bits. Drawn again in the rare case one class (upper, lower, digit, symbol) is missing,
 * so the pool's password policy always accepts it.
 */
export function generateSecret(): string {
  const limit = 256 - (256 % ALPHABET.length);
  for (;;) {
    let secret = '';
    while (secret.length < SECRET_LENGTH) {
      for (const byte of randomBytes(SECRET_LENGTH * 2)) {
        if (byte < limit && secret.length < SECRET_LENGTH) secret += ALPHABET[byte % ALPHABET.length];
      }
    }
    if ([UPPER, LOWER, DIGITS, SYMBOLS].every((set) => [...secret].some((c) => set.includes(c)))) {
      return secret;
    }
  }
}

const isUserNotFound = (error: unknown) => error instanceof Error && error.name === 'UserNotFoundException';

export class CognitoServiceAccountIdentities implements ServiceAccountIdentities {
  newSecret(): string {
    return generateSecret();
  }

  async create(user: {
    username: string;
    secret: string;
    projectId: string;
    role: string;
    expiresAt: string;
  }): Promise<void> {
    const UserPoolId = userPoolConfig().USER_POOL_ID;
    await cognito().send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: user.username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: user.username },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'custom:project_id', Value: user.projectId },
          { Name: 'custom:sa_role', Value: user.role },
          { Name: 'custom:sa_expires_at', Value: user.expiresAt },
        ],
      }),
    );
    try {
      // A permanent password confirms the user: no NEW_PASSWORD_REQUIRED challenge at login.
      await cognito().send(
        new AdminSetUserPasswordCommand({
          UserPoolId,
          Username: user.username,
          Password: user.secret,
          Permanent: true,
        }),
      );
      await cognito().send(
        new AdminAddUserToGroupCommand({
          UserPoolId,
          Username: user.username,
          GroupName: SERVICE_ACCOUNTS_GROUP,
        }),
      );
    } catch (error) {
      // No half-made identity: the user goes again before the error is reported.
      await cognito()
        .send(new AdminDeleteUserCommand({ UserPoolId, Username: user.username }))
        .catch(() => undefined);
      throw error;
    }
  }

  async rotate(username: string, secret: string): Promise<void> {
    const UserPoolId = userPoolConfig().USER_POOL_ID;
    await cognito().send(
      new AdminSetUserPasswordCommand({ UserPoolId, Username: username, Password: secret, Permanent: true }),
    );
    await cognito().send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: username }));
  }

  async remove(username: string): Promise<void> {
    const UserPoolId = userPoolConfig().USER_POOL_ID;
    try {
      await cognito().send(new AdminDisableUserCommand({ UserPoolId, Username: username }));
      await cognito().send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: username }));
      await cognito().send(new AdminDeleteUserCommand({ UserPoolId, Username: username }));
    } catch (error) {
      if (!isUserNotFound(error)) throw error;
    }
  }
}
