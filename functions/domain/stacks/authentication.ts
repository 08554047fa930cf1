/**
 * Stack kind `authentication`: the Cognito user pool, its app client, sign-in domain and
 * identity pool, behind the WAF web ACL.
 */
import { ALNUM, LOWER_ALNUM } from '../random.ts';
import { needString } from './dependencies.ts';
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { arnOf } from './naming.ts';
import { role } from './resources.ts';
import { roleSpec, spec } from './specs.ts';

export const definition = defineStack({
  name: 'authentication',
  description:
    'Cognito user pool, app client, hosted sign-in domain and identity pool, protected by the WAF web ACL',
  dependsOn: ['security'],
  durationSeconds: { min: 25, max: 60 },
  destroyDurationSeconds: { min: 15, max: 40 },
  resources: [
    spec(
      'UserPool',
      'AWS::Cognito::UserPool',
      'User pool (email sign-in; free up to 10,000 monthly active users)',
    ),
    spec('UserPoolClient', 'AWS::Cognito::UserPoolClient', 'App client for the web application'),
    spec('UserPoolDomain', 'AWS::Cognito::UserPoolDomain', 'Hosted sign-in domain'),
    spec('IdentityPool', 'AWS::Cognito::IdentityPool', 'Exchanges user pool tokens for AWS credentials'),
    roleSpec('AuthenticatedRole', 'Role assumed by signed-in users through the identity pool'),
    spec(
      'UserPoolWebAclAssociation',
      'AWS::WAFv2::WebACLAssociation',
      'Protects the user pool with the web ACL',
    ),
  ],
  outputs: [
    'user_pool_id',
    'user_pool_arn',
    'user_pool_client_id',
    'user_pool_domain',
    'hosted_ui_url',
    'issuer_url',
    'identity_pool_id',
    'authenticated_role_arn',
  ],
});

export function build(s: BuildContext): Built {
  const webAclArn = needString(s, 'security', 'web_acl_arn');
  const poolId = `${s.region}_${s.rng.string(ALNUM, 9)}`;
  const poolArn = arnOf(s, 'cognito-idp', `userpool/${poolId}`);
  const clientId = s.rng.string(LOWER_ALNUM, 26);
  // Cognito domain prefixes are global and may not contain aws, amazon or cognito.
  const domainPrefix = `${s.stem}-auth`.replace(/aws|amazon|cognito/g, 'idp');
  const identityPoolId = `${s.region}:${s.rng.uuid()}`;
  const authRole = role(s, 'auth-user', 'cognito-identity.amazonaws.com', []);
  const issuer = `https://cognito-idp.${s.region}.amazonaws.com/${poolId}`;
  const hostedUi = `https://${domainPrefix}.auth.${s.region}.amazoncognito.com`;
  return {
    resources: {
      UserPool: {
        id: poolId,
        arn: poolArn,
        properties: {
          UserPoolName: `${s.stem}-users`,
          UserPoolTier: 'ESSENTIALS',
          UsernameAttributes: ['email'],
          AutoVerifiedAttributes: ['email'],
          MfaConfiguration: 'OPTIONAL',
          Policies: {
            PasswordPolicy: {
              MinimumLength: 12,
              RequireLowercase: true,
              RequireUppercase: true,
              RequireNumbers: true,
              RequireSymbols: true,
            },
          },
          DeletionProtection: 'INACTIVE',
        },
      },
      UserPoolClient: {
        id: clientId,
        arn: '',
        properties: {
          ClientName: `${s.env}-web`,
          UserPoolId: poolId,
          GenerateSecret: false,
          ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid', 'email', 'profile'],
          CallbackURLs: [`https://${s.params.domain}/auth/callback`],
        },
      },
      UserPoolDomain: {
        id: domainPrefix,
        arn: '',
        properties: { Domain: domainPrefix, UserPoolId: poolId, ManagedLoginVersion: 2 },
      },
      IdentityPool: {
        id: identityPoolId,
        arn: arnOf(s, 'cognito-identity', `identitypool/${identityPoolId}`),
        properties: {
          IdentityPoolName: `${s.stem.replaceAll('-', '_')}_identities`,
          AllowUnauthenticatedIdentities: false,
          CognitoIdentityProviders: [
            { ClientId: clientId, ProviderName: `cognito-idp.${s.region}.amazonaws.com/${poolId}` },
          ],
        },
      },
      AuthenticatedRole: authRole,
      UserPoolWebAclAssociation: {
        id: `${poolArn}|${webAclArn}`,
        arn: '',
        properties: { ResourceArn: poolArn, WebACLArn: webAclArn },
      },
    },
    outputs: {
      user_pool_id: poolId,
      user_pool_arn: poolArn,
      user_pool_client_id: clientId,
      user_pool_domain: domainPrefix,
      hosted_ui_url: hostedUi,
      issuer_url: issuer,
      identity_pool_id: identityPoolId,
      authenticated_role_arn: authRole.arn,
    },
  };
}
