/**
 * Stack kind `security`: the security groups of the load balancer, the applications and the
 * database, the environment's KMS key and a WAF web ACL.
 */
import { monthly, PRICES } from '../prices.ts';
import { needString } from './dependencies.ts';
import { type BuildContext, type Built, type BuiltResource, defineStack } from './kind.ts';
import { arnOf, ec2Arn, ec2Id, tags } from './naming.ts';
import { dbPort } from './parameters.ts';
import { spec } from './specs.ts';

export const definition = defineStack({
  name: 'security',
  description:
    'Security groups for the load balancer, the applications and the database; a KMS key; a WAF web ACL',
  dependsOn: ['network'],
  durationSeconds: { min: 20, max: 45 },
  destroyDurationSeconds: { min: 15, max: 30 },
  resources: [
    spec('AlbSecurityGroup', 'AWS::EC2::SecurityGroup', 'Allows HTTP and HTTPS from the internet'),
    spec('AppSecurityGroup', 'AWS::EC2::SecurityGroup', 'Allows the application port from the load balancer'),
    spec(
      'DatabaseSecurityGroup',
      'AWS::EC2::SecurityGroup',
      'Allows the database port from the applications',
    ),
    spec(
      'EncryptionKey',
      'AWS::KMS::Key',
      'Customer managed key for data at rest',
      monthly(PRICES.kmsKeyMonth),
    ),
    spec('EncryptionKeyAlias', 'AWS::KMS::Alias', 'Alias of the encryption key'),
    spec(
      'WebAcl',
      'AWS::WAFv2::WebACL',
      'Regional web ACL: AWS common rule set and a rate limit',
      monthly(PRICES.wafWebAclMonth + 2 * PRICES.wafRuleMonth),
    ),
  ],
  outputs: [
    'vpc_id',
    'alb_security_group_id',
    'app_security_group_id',
    'database_security_group_id',
    'kms_key_id',
    'kms_key_arn',
    'kms_key_alias',
    'web_acl_id',
    'web_acl_arn',
  ],
});

export function build(s: BuildContext): Built {
  const vpcId = needString(s, 'network', 'vpc_id');
  const port = dbPort(s.params);
  const sg = (purpose: string, description: string, ingress: Record<string, unknown>[]): BuiltResource => {
    const id = ec2Id(s, 'sg');
    // Security group names may not start with `sg-`.
    const name = `${s.stem.startsWith('sg-') ? 'env-' : ''}${s.stem}-${purpose}`;
    return {
      id,
      arn: ec2Arn(s, 'security-group', id),
      properties: {
        GroupName: name,
        GroupDescription: description,
        VpcId: vpcId,
        SecurityGroupIngress: ingress,
        SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }],
        Tags: tags(s, name),
      },
    };
  };
  const alb = sg('alb', 'Load balancer: HTTP and HTTPS from anywhere', [
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
    { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' },
  ]);
  const app = sg('app', 'Applications: port 8080 from the load balancer', [
    { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: alb.id },
  ]);
  const database = sg('db', `Database: port ${port} from the applications`, [
    { IpProtocol: 'tcp', FromPort: port, ToPort: port, SourceSecurityGroupId: app.id },
  ]);
  const keyId = s.rng.uuid();
  const keyArn = arnOf(s, 'kms', `key/${keyId}`);
  const alias = `alias/${s.stem}`;
  const aclName = `${s.stem}-web-acl`;
  const aclId = s.rng.uuid();
  const aclArn = arnOf(s, 'wafv2', `regional/webacl/${aclName}/${aclId}`);
  return {
    resources: {
      AlbSecurityGroup: alb,
      AppSecurityGroup: app,
      DatabaseSecurityGroup: database,
      EncryptionKey: {
        id: keyId,
        arn: keyArn,
        properties: {
          KeySpec: 'SYMMETRIC_DEFAULT',
          KeyUsage: 'ENCRYPT_DECRYPT',
          EnableKeyRotation: true,
          PendingWindowInDays: 7,
          Description: `Data at rest of environment ${s.env}`,
        },
      },
      EncryptionKeyAlias: {
        id: alias,
        arn: arnOf(s, 'kms', alias),
        properties: { AliasName: alias, TargetKeyId: keyId },
      },
      WebAcl: {
        id: aclId,
        arn: aclArn,
        properties: {
          Name: aclName,
          Scope: 'REGIONAL',
          DefaultAction: { Allow: {} },
          Rules: [
            { Name: 'AWSManagedRulesCommonRuleSet', Priority: 0, OverrideAction: { None: {} } },
            {
              Name: 'RateLimitPerIp',
              Priority: 1,
              Action: { Block: {} },
              RateBasedStatement: { Limit: 1000 },
            },
          ],
        },
      },
    },
    outputs: {
      vpc_id: vpcId,
      alb_security_group_id: alb.id,
      app_security_group_id: app.id,
      database_security_group_id: database.id,
      kms_key_id: keyId,
      kms_key_arn: keyArn,
      kms_key_alias: alias,
      web_acl_id: aclId,
      web_acl_arn: aclArn,
    },
  };
}
