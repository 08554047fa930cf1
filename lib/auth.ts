/**
 * Cognito: the user pool people sign in to, its role groups and the app client the
 * auth routes (`/auth/*`) and curl users log in with.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The role groups of DESIGN.md §4, with what each may do. */
export const USER_GROUPS = {
  Administrators: 'Everything on everyone’s resources, including protected environments',
  Developers: 'Create, change, deploy and delete their own resources',
  ReadOnly: 'Read everyone’s resources, change nothing',
} as const;

/** Name of one of the role groups. */
export type UserGroupName = keyof typeof USER_GROUPS;

/** The user pool, its groups and the public app client. */
export class Auth extends Construct {
  /** Email sign-in, self sign-up, the password policy of DESIGN.md. */
  readonly userPool: UserPool;
  /** Public client (no secret) allowing USER_PASSWORD_AUTH and refresh. */
  readonly userPoolClient: UserPoolClient;

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

    this.userPoolClient = this.userPool.addClient('ApiClient', {
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
  }
}
