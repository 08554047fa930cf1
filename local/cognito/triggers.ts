/**
 * The user pool's Lambda triggers, served in-process in place of cognito-local's Lambda
 * client (which would call AWS).
 */
import type { Context as CognitoContext } from 'cognito-local/lib/services/context.js';
import type { Lambda } from 'cognito-local/lib/services/lambda.js';
import { LOCAL_ACCOUNT_ID } from '../lambda-context.ts';

/** Standard attributes Cognito puts in ID tokens besides those cognito-local already adds (email, sub). */
const STANDARD_TOKEN_ATTRIBUTES = new Set([
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
  'phone_number_verified',
  'address',
  'updated_at',
]);

/** The ARN the pool names as its PreSignUp trigger (nothing is deployed there). */
export function preSignUpTriggerArn(region: string): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:local-cognito-pre-sign-up`;
}

/**
 * Triggers served in-process.
 * - PreSignUp: what a one-line Lambda returning `autoConfirmUser`/`autoVerifyEmail` does
 *   in a dev account. Only sign-ups (not AdminCreateUser) are confirmed, as in Cognito.
 * - PreTokenGeneration: cognito-local's ID tokens carry only email and custom
 *   attributes; Cognito's carry every standard attribute the user has (`name`, …).
 *   Adding them here makes local ID tokens look like real ones.
 */
export function localTriggers(autoConfirm: boolean): Lambda {
  return {
    enabled: (trigger: string) =>
      (autoConfirm && trigger === 'PreSignUp') || trigger === 'PreTokenGeneration',
    invoke: async (
      _ctx: CognitoContext,
      trigger: string,
      event: { triggerSource?: string; userAttributes?: Record<string, string> },
    ) => {
      if (trigger === 'PreSignUp') {
        const signUp = event.triggerSource === 'PreSignUp_SignUp';
        return { autoConfirmUser: signUp, autoVerifyEmail: signUp, autoVerifyPhone: false };
      }
      if (trigger === 'PreTokenGeneration') {
        const claimsToAddOrOverride: Record<string, string | number | boolean> = {};
        for (const [name, value] of Object.entries(event.userAttributes ?? {})) {
          if (!STANDARD_TOKEN_ATTRIBUTES.has(name)) continue;
          if (name === 'phone_number_verified') claimsToAddOrOverride[name] = value === 'true';
          else if (name === 'updated_at') claimsToAddOrOverride[name] = Number(value);
          else claimsToAddOrOverride[name] = value;
        }
        return { claimsOverrideDetails: { claimsToAddOrOverride } };
      }
      throw new Error(`${trigger} trigger not configured`);
    },
  } as unknown as Lambda;
}
