/**
 * Cognito: the user pool people (and service accounts) sign in to, its role groups, the app
 * client the auth routes (`/auth/*`) and curl users log in with, and the service accounts'
 * app client with short-lived tokens (docs/decisions.md §44).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The role groups of DESIGN.md §4, with what each may do. */
export const USER_GROUPS = {
  Administrators: 'Everything on everyone’s resources, including protected environments',
  Developers: 'Create, change, deploy and delete their own resources',
  ReadOnly: 'Read everyone’s resources, change nothing',
  ServiceAccounts: 'Pipelines’ identities, confined to one project by custom attributes (created by the API)',
} as const;

/**
 * A service account's confinement, as custom attributes (`custom:<name>` in tokens). Only the
 * API writes them (AdminCreateUser); no app client may (their `writeAttributes` leave them out).
 */
export const SERVICE_ACCOUNT_ATTRIBUTES = ['project_id', 'sa_role', 'sa_expires_at'] as const;

/** The service accounts' tokens: short-lived ID and access tokens, a day of refresh. */
export const SERVICE_ACCOUNT_TOKEN_VALIDITY = {
  idTokenMinutes: 15,
  accessTokenMinutes: 15,
  refreshTokenDays: 1,
} as const;

/** Name of one of the role groups. */
export type UserGroupName = keyof typeof USER_GROUPS;

/** The user pool, its groups and the public app client. */
export class Auth extends Construct {
  /** Email sign-in, self sign-up, the password policy of DESIGN.md. */
  readonly userPool: UserPool;
  /** Public client (no secret) allowing USER_PASSWORD_AUTH and refresh. */
  readonly userPoolClient: UserPoolClient;
  /** The service accounts' client: same flows, 15-minute tokens, a day of refresh. */
  readonly serviceAccountClient: UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      customAttributes: Object.fromEntries(
        SERVICE_ACCOUNT_ATTRIBUTES.map((name) => [
          name,
          new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        ]),
      ),
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // TOTP for those who want it; SMS would need an SNS role and spending limits.
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      // Sandbox users are disposable; a retained pool would be orphaned by `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: false,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP) in this simulation sandbox: the curl walk-through and the /auth/login proxy use USER_PASSWORD_AUTH without an MFA challenge step',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus feature plan (threat protection) is billed per monthly active user; the Essentials plan is enough for a sandbox that provisions simulated resources only',
    });

    for (const [groupName, description] of Object.entries(USER_GROUPS)) {
      new CfnUserPoolGroup(this, `${groupName}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName,
        description,
      });
    }

    // What an app client may write: the standard attributes a person sets, never the custom
    // ones (a user could otherwise move their own service account to another project).
    const writeAttributes = new ClientAttributes().withStandardAttributes({ email: true, fullname: true });

    this.userPoolClient = this.userPool.addClient('ApiClient', {
      writeAttributes,
      // Public client (curl, browsers): a secret could not be kept.
      generateSecret: false,
      // Tokens come from the API's /auth routes (InitiateAuth), not from a hosted UI.
      disableOAuth: true,
      // USER_PASSWORD_AUTH for the /auth/login proxy; CDK always adds ALLOW_REFRESH_TOKEN_AUTH.
      authFlows: { userPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    this.serviceAccountClient = this.userPool.addClient('ServiceAccountClient', {
      writeAttributes,
      generateSecret: false,
      disableOAuth: true,
      authFlows: { userPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(SERVICE_ACCOUNT_TOKEN_VALIDITY.idTokenMinutes),
      accessTokenValidity: Duration.minutes(SERVICE_ACCOUNT_TOKEN_VALIDITY.accessTokenMinutes),
      refreshTokenValidity: Duration.days(SERVICE_ACCOUNT_TOKEN_VALIDITY.refreshTokenDays),
    });
  }
}
