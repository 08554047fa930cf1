/**
 * The user pool, its app client, the groups and the seed users, ensured idempotently on
 * every start (a restart keeps users and the client id):
 * - a user pool whose id has the real `<region>_<id>` format, so `CognitoJwtVerifier`
 *   accepts it, with the CDK pool's password policy and email as the username;
 * - an app client allowing USER_PASSWORD_AUTH and refresh; the three groups; one
 *   confirmed user per group (`SEED_USERS` of `seed-data.ts` unless told otherwise).
 */
import { LOCAL_ACCOUNT_ID } from '../lambda-context.ts';
import { PASSWORD_POLICY } from './password-policy.ts';
import type { CognitoCall } from './request-hooks.ts';
import { GROUPS, SERVICE_ACCOUNT_ATTRIBUTES, type SeedUser } from './seed-data.ts';
import type { CognitoServices } from './services.ts';

/** Options of {@link seedUserPool}. */
export interface SeedOptions {
  region: string;
  userPoolId: string;
  /** The PreSignUp trigger the pool names. */
  triggerArn: string;
  seedUsers: readonly SeedUser[];
}

/** The app clients' ids. */
export interface SeededClients {
  clientId: string;
  serviceAccountClientId: string;
}

/** Ensures the pool, clients, groups and users exist as configured; resolves with the clients' ids. */
export async function seedUserPool(
  services: CognitoServices,
  call: CognitoCall,
  options: SeedOptions,
): Promise<SeededClients> {
  const { cognito, ctx } = services;
  const { region, userPoolId, triggerArn, seedUsers } = options;

  // As lib/auth.ts: the standard attributes, and the service accounts' custom ones (§44).
  const { USER_POOL_AWS_DEFAULTS } = await import('cognito-local/lib/services/cognitoService.js');
  const schemaAttributes = [
    ...(USER_POOL_AWS_DEFAULTS.SchemaAttributes ?? []),
    ...SERVICE_ACCOUNT_ATTRIBUTES.map((name) => ({
      Name: `custom:${name}`,
      AttributeDataType: 'String',
      DeveloperOnlyAttribute: false,
      Mutable: true,
      Required: false,
      StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
    })),
  ];
  const poolOptions = {
    Id: userPoolId,
    SchemaAttributes: schemaAttributes,
    Name: 'env-provisioning-local',
    Arn: `arn:aws:cognito-idp:${region}:${LOCAL_ACCOUNT_ID}:userpool/${userPoolId}`,
    UsernameAttributes: ['email'],
    Policies: { PasswordPolicy: { ...PASSWORD_POLICY } },
    LambdaConfig: { PreSignUp: triggerArn },
    MfaConfiguration: 'OFF',
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
  };
  const existingPool = (await cognito.listUserPools(ctx)).find((pool) => pool.Id === userPoolId);
  if (existingPool) {
    // Keep a persisted pool in step with the settings above.
    const pool = await cognito.getUserPool(ctx, userPoolId);
    await pool.updateOptions(ctx, { ...pool.options, ...poolOptions });
  } else {
    const now = new Date();
    await cognito.createUserPool(ctx, { ...poolOptions, CreationDate: now, LastModifiedDate: now });
  }
  const pool = await cognito.getUserPool(ctx, userPoolId);

  // As lib/auth.ts: the clients may write the standard attributes a person sets, never custom ones.
  const writeAttributes = ['email', 'name'];
  const ensureClient = async (clientName: string, clientSettings: Record<string, unknown>) => {
    let client = (await cognito.listAppClients(ctx, userPoolId)).find((c) => c.ClientName === clientName);
    if (client) {
      client = { ...client, ...clientSettings };
      await pool.saveAppClient(ctx, client);
    } else {
      const created = (await call('CreateUserPoolClient', {
        UserPoolId: userPoolId,
        ClientName: clientName,
        GenerateSecret: false,
        ...clientSettings,
      })) as { UserPoolClient: { ClientId: string } };
      client = (await cognito.getAppClient(ctx, created.UserPoolClient.ClientId)) ?? undefined;
    }
    if (!client) {
      throw new Error(`Could not create the local app client ${clientName}`);
    }
    return client;
  };
  const client = await ensureClient('env-provisioning-local-client', {
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
    // CDK's defaults: ID and access tokens for 60 minutes, refresh tokens for 30 days.
    IdTokenValidity: 60,
    AccessTokenValidity: 60,
    RefreshTokenValidity: 30,
    TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'days' },
    PreventUserExistenceErrors: 'ENABLED',
    WriteAttributes: writeAttributes,
  });
  // The service accounts' client (docs/decisions.md §44), with lib/auth.ts's validity.
  const serviceAccountClient = await ensureClient('env-provisioning-local-service-accounts', {
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    IdTokenValidity: 15,
    AccessTokenValidity: 15,
    RefreshTokenValidity: 1,
    TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'days' },
    PreventUserExistenceErrors: 'ENABLED',
    WriteAttributes: writeAttributes,
  });

  const existingGroups = new Set((await pool.listGroups(ctx)).map((group) => group.GroupName));
  for (const group of GROUPS) {
    // CreateGroup in cognito-local overwrites (and would drop members): create only when missing.
    if (!existingGroups.has(group.name)) {
      await call('CreateGroup', {
        UserPoolId: userPoolId,
        GroupName: group.name,
        Description: group.description,
        Precedence: group.precedence,
      });
    }
  }

  for (const user of seedUsers) {
    if (!(await pool.getUserByUsername(ctx, user.email))) {
      await call('AdminCreateUser', {
        UserPoolId: userPoolId,
        Username: user.email,
        MessageAction: 'SUPPRESS',
        TemporaryPassword: user.password,
        UserAttributes: [
          { Name: 'email', Value: user.email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: user.name },
        ],
      });
      // A permanent password confirms the user (no FORCE_CHANGE_PASSWORD challenge).
      await call('AdminSetUserPassword', {
        UserPoolId: userPoolId,
        Username: user.email,
        Password: user.password,
        Permanent: true,
      });
    }
    await call('AdminAddUserToGroup', {
      UserPoolId: userPoolId,
      Username: user.email,
      GroupName: user.group,
    });
  }
  return { clientId: client.ClientId, serviceAccountClientId: serviceAccountClient.ClientId };
}
