/**
 * Simulated provisioning of one stack: the resources it would create (ids and ARNs in
 * real AWS formats, in the environment's account and region) and the outputs it exports,
 * built from its dependencies' outputs. Deterministic: the same (environment id, stack,
 * attempt, parameters, dependency outputs) give byte-identical results.
 *
 * Everything returned is plain JSON (no undefined values), ready to be stored.
 */
import { availabilityZones } from './aws.ts';
import { getStackDefinition } from './catalog.ts';
import { hostIn, parseCidr, subnetCidr } from './cidr.ts';
import { roundCents } from './prices.ts';
import { ALNUM, BASE32, createRng, hashHex, LOWER_ALNUM, type Rng, UPPER_ALNUM } from './random.ts';
import type { ResolvedParameters } from './templates.ts';

export interface SimulationContext {
  environmentId: string;
  environmentName: string;
  region: string;
  accountId: string;
  parameters: ResolvedParameters;
  /** 1 for the first run; part of the seed so a retry can differ */
  attempt?: number;
}

export interface SimulatedResource {
  type: string;
  logical_id: string;
  /** The physical id (what `Ref` returns in CloudFormation). */
  id: string;
  /** The resource's ARN; '' for the few resources that have none of their own (e.g. a Cognito app client). */
  arn: string;
  properties: Record<string, unknown>;
  monthly_cost_usd: number;
}

export interface SimulatedStack {
  resources: SimulatedResource[];
  outputs: Record<string, unknown>;
  monthlyCostUsd: number;
}

type DependencyOutputs = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** Public IPv4 ranges of Amazon EC2, to draw Elastic IPs from. */
const PUBLIC_IP_BLOCKS = [
  '3.208.0.0/12',
  '18.204.0.0/14',
  '34.192.0.0/12',
  '44.192.0.0/11',
  '52.0.0.0/11',
  '54.144.0.0/12',
];

// ---------------------------------------------------------------- the simulation context

interface Sim {
  stack: string;
  rng: Rng;
  region: string;
  account: string;
  params: ResolvedParameters;
  azs: string[];
  /** The environment name as a DNS label. */
  env: string;
  /** 6 hex digits from the environment id: keeps names unique across projects. */
  short: string;
  /** `<env>-<short>`: the prefix of account-unique names. */
  stem: string;
  deps: DependencyOutputs;
}

interface BuiltResource {
  id: string;
  arn: string;
  properties: Record<string, unknown>;
}

interface Built {
  resources: Record<string, BuiltResource>;
  outputs: Record<string, unknown>;
}

const arnOf = (s: Sim, service: string, resource: string): string =>
  `arn:aws:${service}:${s.region}:${s.account}:${resource}`;
const iamArn = (s: Sim, resource: string): string => `arn:aws:iam::${s.account}:${resource}`;
const ec2Arn = (s: Sim, kind: string, id: string): string => arnOf(s, 'ec2', `${kind}/${id}`);

const ec2Id = (s: Sim, prefix: string): string => `${prefix}-${s.rng.hex(17)}`;

/** `value` cut to `max` characters, without a trailing hyphen. */
function trunc(value: string, max: number): string {
  return value.slice(0, max).replace(/-+$/, '');
}

/** A name of at most `max` characters: the environment name cut to fit, the short hash, a suffix. */
function fitName(s: Sim, suffix: string, max: number): string {
  return `${trunc(s.env, max - s.short.length - suffix.length - 2)}-${s.short}-${suffix}`;
}

const tags = (s: Sim, name: string): { Key: string; Value: string }[] => [
  { Key: 'Name', Value: name },
  { Key: 'environment', Value: s.env },
  { Key: 'stack', Value: s.stack },
];

function role(
  s: Sim,
  purpose: string,
  service: string,
  managedPolicies: string[],
  inline: Record<string, unknown>[] = [],
): BuiltResource {
  const name = `${s.stem}-${purpose}`;
  return {
    id: name,
    arn: iamArn(s, `role/${name}`),
    properties: {
      RoleName: name,
      RoleId: `AROA${s.rng.string(BASE32, 17)}`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      },
      ManagedPolicyArns: managedPolicies.map((p) => `arn:aws:iam::aws:policy/${p}`),
      Policies: inline,
    },
  };
}

function logGroup(s: Sim, name: string, retentionInDays: number): BuiltResource {
  return {
    id: name,
    arn: arnOf(s, 'logs', `log-group:${name}`),
    properties: { LogGroupName: name, RetentionInDays: retentionInDays },
  };
}

/** The cluster-unique part of RDS endpoints is fixed per account and region, as in AWS. */
const rdsEndpointSuffix = (s: Sim): string =>
  `${createRng(`rds-endpoint|${s.account}|${s.region}`).string(LOWER_ALNUM, 12)}.${s.region}.rds.amazonaws.com`;

const privateDnsName = (s: Sim, ip: string): string =>
  `ip-${ip.replaceAll('.', '-')}.${s.region === 'us-east-1' ? 'ec2.internal' : `${s.region}.compute.internal`}`;

const dbPort = (p: ResolvedParameters): number => (p.db_engine === 'postgres' ? 5432 : 3306);
const isArm = (p: ResolvedParameters): boolean => p.instance_type.startsWith('t4g');

// ---------------------------------------------------------------- dependency outputs

function needed(s: Sim, stack: string, key: string): unknown {
  const outputs = Object.hasOwn(s.deps, stack) ? s.deps[stack] : undefined;
  const value = outputs && Object.hasOwn(outputs, key) ? outputs[key] : undefined;
  if (value === undefined || value === null) {
    throw new Error(`Stack ${s.stack} needs output ${key} of stack ${stack}, which is missing`);
  }
  return value;
}

function needString(s: Sim, stack: string, key: string): string {
  const value = needed(s, stack, key);
  if (typeof value !== 'string' || value === '') {
    throw new Error(`Stack ${s.stack} needs output ${key} of stack ${stack} to be a non-empty string`);
  }
  return value;
}

function needNumber(s: Sim, stack: string, key: string): number {
  const value = needed(s, stack, key);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`Stack ${s.stack} needs output ${key} of stack ${stack} to be a number`);
  }
  return value;
}

function needStrings(s: Sim, stack: string, key: string): string[] {
  const value = needed(s, stack, key);
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new Error(
      `Stack ${s.stack} needs output ${key} of stack ${stack} to be a non-empty list of strings`,
    );
  }
  return value as string[];
}

// ---------------------------------------------------------------- stacks

function network(s: Sim): Built {
  const cidr = s.params.vpc_cidr;
  const { prefix } = parseCidr(cidr);
  if (prefix > 20) throw new Error(`VPC CIDR ${cidr} is too small: at most a /20 is needed`);
  // Public /(p+8)s at the start of the first /(p+4); private /(p+4)s after it (a /16 gives /24s and /20s).
  const publicCidrs = s.azs.map((_, i) => subnetCidr(cidr, prefix + 8, i));
  const privateCidrs = s.azs.map((_, i) => subnetCidr(cidr, prefix + 4, i + 1));
  const vpcId = ec2Id(s, 'vpc');
  const igwId = ec2Id(s, 'igw');
  const subnet = (kind: 'public' | 'private', i: number, subnetCidrBlock: string) => {
    const id = ec2Id(s, 'subnet');
    const az = s.azs[i] as string;
    return {
      id,
      arn: ec2Arn(s, 'subnet', id),
      properties: {
        VpcId: vpcId,
        CidrBlock: subnetCidrBlock,
        AvailabilityZone: az,
        MapPublicIpOnLaunch: kind === 'public',
        AvailableIpAddressCount: 2 ** (32 - parseCidr(subnetCidrBlock).prefix) - 5,
        Tags: tags(s, `${s.env}-${kind}-${az}`),
      },
    };
  };
  const publicSubnets = publicCidrs.map((c, i) => subnet('public', i, c));
  const privateSubnets = privateCidrs.map((c, i) => subnet('private', i, c));
  const publicRtb = ec2Id(s, 'rtb');
  const privateRtb = ec2Id(s, 'rtb');
  const eipAllocation = ec2Id(s, 'eipalloc');
  const publicIp = hostIn(s.rng, s.rng.pick(PUBLIC_IP_BLOCKS));
  const natId = ec2Id(s, 'nat');
  const natSubnet = publicSubnets[0] as BuiltResource;
  const endpointId = ec2Id(s, 'vpce');

  const resources: Record<string, BuiltResource> = {
    Vpc: {
      id: vpcId,
      arn: ec2Arn(s, 'vpc', vpcId),
      properties: {
        CidrBlock: cidr,
        EnableDnsHostnames: true,
        EnableDnsSupport: true,
        InstanceTenancy: 'default',
        DhcpOptionsId: ec2Id(s, 'dopt'),
        Tags: tags(s, `${s.env}-vpc`),
      },
    },
    InternetGateway: {
      id: igwId,
      arn: ec2Arn(s, 'internet-gateway', igwId),
      properties: { Attachments: [{ VpcId: vpcId, State: 'available' }], Tags: tags(s, `${s.env}-igw`) },
    },
  };
  publicSubnets.forEach((sn, i) => {
    resources[`PublicSubnet${i + 1}`] = sn;
  });
  privateSubnets.forEach((sn, i) => {
    resources[`PrivateSubnet${i + 1}`] = sn;
  });
  resources.PublicRouteTable = {
    id: publicRtb,
    arn: ec2Arn(s, 'route-table', publicRtb),
    properties: {
      VpcId: vpcId,
      Routes: [
        { DestinationCidrBlock: cidr, GatewayId: 'local' },
        { DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId },
      ],
      SubnetIds: publicSubnets.map((sn) => sn.id),
      Tags: tags(s, `${s.env}-public`),
    },
  };
  resources.NatGatewayEip = {
    id: eipAllocation,
    arn: ec2Arn(s, 'elastic-ip', eipAllocation),
    properties: {
      Domain: 'vpc',
      PublicIp: publicIp,
      AllocationId: eipAllocation,
      Tags: tags(s, `${s.env}-nat`),
    },
  };
  resources.NatGateway = {
    id: natId,
    arn: ec2Arn(s, 'natgateway', natId),
    properties: {
      ConnectivityType: 'public',
      SubnetId: natSubnet.id,
      AllocationId: eipAllocation,
      PublicIp: publicIp,
      PrivateIp: hostIn(s.rng, publicCidrs[0] as string),
      Tags: tags(s, `${s.env}-nat`),
    },
  };
  resources.PrivateRouteTable = {
    id: privateRtb,
    arn: ec2Arn(s, 'route-table', privateRtb),
    properties: {
      VpcId: vpcId,
      Routes: [
        { DestinationCidrBlock: cidr, GatewayId: 'local' },
        { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId },
      ],
      SubnetIds: privateSubnets.map((sn) => sn.id),
      Tags: tags(s, `${s.env}-private`),
    },
  };
  resources.S3GatewayEndpoint = {
    id: endpointId,
    arn: ec2Arn(s, 'vpc-endpoint', endpointId),
    properties: {
      VpcId: vpcId,
      VpcEndpointType: 'Gateway',
      ServiceName: `com.amazonaws.${s.region}.s3`,
      RouteTableIds: [privateRtb],
    },
  };
  return {
    resources,
    outputs: {
      vpc_id: vpcId,
      vpc_cidr: cidr,
      availability_zones: [...s.azs],
      public_subnet_ids: publicSubnets.map((sn) => sn.id),
      private_subnet_ids: privateSubnets.map((sn) => sn.id),
      public_subnet_cidrs: publicCidrs,
      private_subnet_cidrs: privateCidrs,
      internet_gateway_id: igwId,
      nat_gateway_ids: [natId],
      nat_public_ips: [publicIp],
      public_route_table_id: publicRtb,
      private_route_table_ids: [privateRtb],
      s3_endpoint_id: endpointId,
    },
  };
}

function security(s: Sim): Built {
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

/** Route 53 name servers: ns-0…511 are .com, 512…1023 .net, 1024…1535 .org, 1536…2047 .co.uk. */
function nameServers(rng: Rng): string[] {
  return ['com', 'net', 'org', 'co.uk'].map((tld, i) => {
    const n = i * 512 + rng.int(0, 511);
    return `ns-${n}.awsdns-${String(Math.floor((n % 512) / 8)).padStart(2, '0')}.${tld}`;
  });
}

const hostedZoneId = (rng: Rng): string => `Z0${rng.string(UPPER_ALNUM, 19)}`;

function dns(s: Sim): Built {
  const vpcId = needString(s, 'network', 'vpc_id');
  const domain = s.params.domain;
  const privateDomain = `internal.${domain}`;
  const zoneId = hostedZoneId(s.rng);
  const privateZoneId = hostedZoneId(s.rng);
  const servers = nameServers(s.rng);
  const certArn = arnOf(s, 'acm', `certificate/${s.rng.uuid()}`);
  return {
    resources: {
      HostedZone: {
        id: zoneId,
        arn: `arn:aws:route53:::hostedzone/${zoneId}`,
        properties: {
          Name: `${domain}.`,
          NameServers: servers,
          HostedZoneConfig: { Comment: `Environment ${s.env}` },
        },
      },
      PrivateHostedZone: {
        id: privateZoneId,
        arn: `arn:aws:route53:::hostedzone/${privateZoneId}`,
        properties: { Name: `${privateDomain}.`, VPCs: [{ VPCId: vpcId, VPCRegion: s.region }] },
      },
      Certificate: {
        id: certArn,
        arn: certArn,
        properties: {
          DomainName: domain,
          SubjectAlternativeNames: [`*.${domain}`],
          ValidationMethod: 'DNS',
          KeyAlgorithm: 'RSA_2048',
          DomainValidationOptions: [{ DomainName: domain, HostedZoneId: zoneId }],
          ValidationRecord: {
            Name: `_${s.rng.hex(32)}.${domain}.`,
            Type: 'CNAME',
            Value: `_${s.rng.hex(32)}.${s.rng.string(LOWER_ALNUM, 10)}.acm-validations.aws.`,
          },
        },
      },
    },
    outputs: {
      hosted_zone_id: zoneId,
      domain_name: domain,
      name_servers: servers,
      certificate_arn: certArn,
      private_hosted_zone_id: privateZoneId,
      private_domain_name: privateDomain,
    },
  };
}

function secret(s: Sim, name: string, description: string): BuiltResource {
  const arn = arnOf(s, 'secretsmanager', `secret:${name}-${s.rng.string(ALNUM, 6)}`);
  return {
    id: arn,
    arn,
    properties: { Name: name, Description: description, KmsKeyId: 'alias/aws/secretsmanager' },
  };
}

function secrets(s: Sim): Built {
  const app = secret(s, `${s.stem}/app/config`, 'Application configuration');
  const keys = secret(s, `${s.stem}/app/api-keys`, 'Third-party API keys');
  return {
    resources: { AppConfigSecret: app, ApiKeysSecret: keys },
    outputs: {
      app_secret_name: app.properties.Name,
      app_secret_arn: app.arn,
      api_keys_secret_name: keys.properties.Name,
      api_keys_secret_arn: keys.arn,
      secret_arns: [app.arn, keys.arn],
    },
  };
}

function authentication(s: Sim): Built {
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

/** S3 bucket names are global: DNS-safe, at most 63 characters, never `xn--…`/`sthree-…`. */
function bucketName(s: Sim, purpose: string): string {
  const env = /^(xn--|sthree-|amzn-s3-demo-)/.test(s.env) ? `env-${s.env}` : s.env;
  return `${trunc(env, 63 - purpose.length - s.short.length - 2)}-${purpose}-${s.short}`;
}

function storage(s: Sim): Built {
  const kmsKeyArn = needString(s, 'security', 'kms_key_arn');
  const logsBucket = bucketName(s, 'logs');
  const assetsBucket = bucketName(s, 'assets');
  const publicAccessBlock = {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  };
  return {
    resources: {
      AccessLogsBucket: {
        id: logsBucket,
        arn: `arn:aws:s3:::${logsBucket}`,
        properties: {
          BucketName: logsBucket,
          // Server access logs cannot be delivered to an SSE-KMS bucket.
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ SSEAlgorithm: 'AES256' }] },
          PublicAccessBlockConfiguration: publicAccessBlock,
          OwnershipControls: { ObjectOwnership: 'BucketOwnerEnforced' },
          LifecycleConfiguration: { Rules: [{ Id: 'expire-logs', Status: 'Enabled', ExpirationInDays: 90 }] },
        },
      },
      AssetsBucket: {
        id: assetsBucket,
        arn: `arn:aws:s3:::${assetsBucket}`,
        properties: {
          BucketName: assetsBucket,
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kmsKeyArn, BucketKeyEnabled: true },
            ],
          },
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: publicAccessBlock,
          OwnershipControls: { ObjectOwnership: 'BucketOwnerEnforced' },
          LoggingConfiguration: { DestinationBucketName: logsBucket, LogFilePrefix: 'assets/' },
          RegionalDomainName: `${assetsBucket}.s3.${s.region}.amazonaws.com`,
        },
      },
    },
    outputs: {
      bucket_name: assetsBucket,
      bucket_arn: `arn:aws:s3:::${assetsBucket}`,
      bucket_regional_domain_name: `${assetsBucket}.s3.${s.region}.amazonaws.com`,
      logs_bucket_name: logsBucket,
      logs_bucket_arn: `arn:aws:s3:::${logsBucket}`,
      kms_key_arn: kmsKeyArn,
    },
  };
}

const ENGINES = {
  postgres: { version: '17.6', family: 'postgres17', tls: { 'rds.force_ssl': '1' } },
  mysql: { version: '8.4.6', family: 'mysql8.4', tls: { require_secure_transport: 'ON' } },
} as const;

function databaseRds(s: Sim): Built {
  const subnetIds = needStrings(s, 'network', 'private_subnet_ids');
  const azs = needStrings(s, 'network', 'availability_zones');
  const sgId = needString(s, 'security', 'database_security_group_id');
  const kmsKeyArn = needString(s, 'security', 'kms_key_arn');
  const engine = s.params.db_engine;
  const { version, family, tls } = ENGINES[engine];
  const port = dbPort(s.params);
  // DB identifiers must start with a letter.
  const identifier = /^[a-z]/.test(s.stem) ? `${s.stem}-db` : `db-${s.stem}`;
  const subnetGroup = `${s.stem}-db-subnets`;
  const parameterGroup = `${s.stem}-${family.replace('.', '-')}`;
  const endpoint = `${identifier}.${rdsEndpointSuffix(s)}`;
  const resourceId = `db-${s.rng.string(UPPER_ALNUM, 26)}`;
  const secretArn = arnOf(s, 'secretsmanager', `secret:rds!db-${s.rng.uuid()}-${s.rng.string(ALNUM, 6)}`);
  const dbArn = arnOf(s, 'rds', `db:${identifier}`);
  const masterUsername = 'dbadmin';
  const dbName = 'app';
  return {
    resources: {
      DbSubnetGroup: {
        id: subnetGroup,
        arn: arnOf(s, 'rds', `subgrp:${subnetGroup}`),
        properties: {
          DBSubnetGroupName: subnetGroup,
          DBSubnetGroupDescription: `Private subnets of ${s.env}`,
          SubnetIds: [...subnetIds],
        },
      },
      DbParameterGroup: {
        id: parameterGroup,
        arn: arnOf(s, 'rds', `pg:${parameterGroup}`),
        properties: { Family: family, Description: 'TLS required', Parameters: { ...tls } },
      },
      DbInstance: {
        id: resourceId,
        arn: dbArn,
        properties: {
          DBInstanceIdentifier: identifier,
          DbiResourceId: resourceId,
          Engine: engine,
          EngineVersion: version,
          DBInstanceClass: s.params.db_instance_class,
          AllocatedStorage: s.params.storage_gb,
          StorageType: 'gp3',
          StorageEncrypted: true,
          KmsKeyId: kmsKeyArn,
          DBName: dbName,
          MasterUsername: masterUsername,
          ManageMasterUserPassword: true,
          MasterUserSecret: { SecretArn: secretArn, KmsKeyId: kmsKeyArn },
          DBSubnetGroupName: subnetGroup,
          DBParameterGroupName: parameterGroup,
          VPCSecurityGroups: [sgId],
          AvailabilityZone: s.rng.pick(azs),
          MultiAZ: false,
          PubliclyAccessible: false,
          BackupRetentionPeriod: 7,
          DeletionProtection: false,
          Endpoint: { Address: endpoint, Port: port },
        },
      },
    },
    outputs: {
      endpoint,
      port,
      engine,
      engine_version: version,
      db_name: dbName,
      master_username: masterUsername,
      master_user_secret_arn: secretArn,
      db_instance_identifier: identifier,
      db_instance_arn: dbArn,
      db_resource_id: resourceId,
      subnet_group_name: subnetGroup,
      security_group_id: sgId,
    },
  };
}

const registryUri = (s: Sim): string => `${s.account}.dkr.ecr.${s.region}.amazonaws.com`;

function repository(s: Sim, name: string): BuiltResource {
  return {
    id: name,
    arn: arnOf(s, 'ecr', `repository/${name}`),
    properties: {
      RepositoryName: name,
      RepositoryUri: `${registryUri(s)}/${name}`,
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: 'AES256' },
      LifecyclePolicy: {
        rules: [{ rulePriority: 1, description: 'keep the last 20 images', countNumber: 20 }],
      },
    },
  };
}

function containersImages(s: Sim): Built {
  const userPoolId = needString(s, 'authentication', 'user_pool_id');
  const clientId = needString(s, 'authentication', 'user_pool_client_id');
  const issuer = needString(s, 'authentication', 'issuer_url');
  const repo = repository(s, `${s.stem}/web`);
  const uri = `${registryUri(s)}/${repo.id}`;
  const buildRole = role(s, 'image-build', 'codebuild.amazonaws.com', [
    'AmazonEC2ContainerRegistryPowerUser',
  ]);
  const projectName = `${s.stem}-web-image`;
  const tag = `1.0.${s.rng.int(0, 40)}-${s.rng.hex(7)}`;
  const digest = `sha256:${s.rng.hex(64)}`;
  return {
    resources: {
      WebRepository: repo,
      BuildRole: buildRole,
      BuildProject: {
        id: projectName,
        arn: arnOf(s, 'codebuild', `project/${projectName}`),
        properties: {
          Name: projectName,
          ServiceRole: buildRole.arn,
          Environment: {
            Type: isArm(s.params) ? 'ARM_CONTAINER' : 'LINUX_CONTAINER',
            ComputeType: 'BUILD_GENERAL1_SMALL',
            Image: isArm(s.params)
              ? 'aws/codebuild/amazonlinux-aarch64-standard:3.0'
              : 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
            PrivilegedMode: true,
            EnvironmentVariables: [
              { Name: 'REPOSITORY_URI', Value: uri },
              { Name: 'COGNITO_USER_POOL_ID', Value: userPoolId },
              { Name: 'COGNITO_CLIENT_ID', Value: clientId },
              { Name: 'COGNITO_ISSUER', Value: issuer },
            ],
          },
        },
      },
    },
    outputs: {
      repository_name: repo.id,
      repository_arn: repo.arn,
      repository_uri: uri,
      image_tag: tag,
      image_uri: `${uri}:${tag}`,
      image_digest: digest,
      build_project_name: projectName,
    },
  };
}

const FARGATE_TASK = {
  Cpu: '256',
  Memory: '512',
  NetworkMode: 'awsvpc',
  RequiresCompatibilities: ['FARGATE'],
};

function cluster(s: Sim, name: string): BuiltResource {
  return {
    id: name,
    arn: arnOf(s, 'ecs', `cluster/${name}`),
    properties: {
      ClusterName: name,
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    },
  };
}

function containersApps(s: Sim): Built {
  const vpcId = needString(s, 'network', 'vpc_id');
  const publicSubnets = needStrings(s, 'network', 'public_subnet_ids');
  const privateSubnets = needStrings(s, 'network', 'private_subnet_ids');
  const albSg = needString(s, 'security', 'alb_security_group_id');
  const appSg = needString(s, 'security', 'app_security_group_id');
  const bucket = needString(s, 'storage', 'bucket_name');
  const bucketArn = needString(s, 'storage', 'bucket_arn');
  const imageUri = `${needString(s, 'containers-images', 'repository_uri')}:${needString(s, 'containers-images', 'image_tag')}`;

  const clusterName = `${s.stem}-apps`;
  const apps = cluster(s, clusterName);
  const logs = logGroup(s, `/ecs/${s.stem}/web`, 30);
  const execRole = role(s, 'apps-exec', 'ecs-tasks.amazonaws.com', [
    'service-role/AmazonECSTaskExecutionRolePolicy',
  ]);
  const taskRole = role(
    s,
    'apps-task',
    'ecs-tasks.amazonaws.com',
    [],
    [
      {
        PolicyName: 'assets',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${bucketArn}/*` },
            { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
          ],
        },
      },
    ],
  );
  const family = `${s.stem}-web`;
  const taskDefArn = arnOf(s, 'ecs', `task-definition/${family}:1`);
  const albName = fitName(s, 'web', 32);
  const albHex = s.rng.hex(16);
  const albArn = arnOf(s, 'elasticloadbalancing', `loadbalancer/app/${albName}/${albHex}`);
  const albDns = `${albName}-${s.rng.int(100_000_000, 2_147_483_647)}.${s.region}.elb.amazonaws.com`;
  const tgName = fitName(s, 'web-tg', 32);
  const tgArn = arnOf(s, 'elasticloadbalancing', `targetgroup/${tgName}/${s.rng.hex(16)}`);
  const listenerArn = arnOf(s, 'elasticloadbalancing', `listener/app/${albName}/${albHex}/${s.rng.hex(16)}`);
  const serviceName = 'web';
  const serviceArn = arnOf(s, 'ecs', `service/${clusterName}/${serviceName}`);
  return {
    resources: {
      Cluster: apps,
      WebLogGroup: logs,
      TaskExecutionRole: execRole,
      TaskRole: taskRole,
      WebTaskDefinition: {
        id: taskDefArn,
        arn: taskDefArn,
        properties: {
          Family: family,
          ...FARGATE_TASK,
          RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
          ExecutionRoleArn: execRole.arn,
          TaskRoleArn: taskRole.arn,
          ContainerDefinitions: [
            {
              Name: 'web',
              Image: imageUri,
              Essential: true,
              PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
              Environment: [
                { Name: 'ASSETS_BUCKET', Value: bucket },
                { Name: 'AWS_REGION', Value: s.region },
              ],
              LogConfiguration: {
                LogDriver: 'awslogs',
                Options: {
                  'awslogs-group': logs.id,
                  'awslogs-region': s.region,
                  'awslogs-stream-prefix': 'web',
                },
              },
            },
          ],
        },
      },
      LoadBalancer: {
        id: albArn,
        arn: albArn,
        properties: {
          Name: albName,
          Type: 'application',
          Scheme: 'internet-facing',
          IpAddressType: 'ipv4',
          Subnets: [...publicSubnets],
          SecurityGroups: [albSg],
          DNSName: albDns,
          CanonicalHostedZoneID: 'Z35SXDOTRQ7X7K',
        },
      },
      WebTargetGroup: {
        id: tgArn,
        arn: tgArn,
        properties: {
          Name: tgName,
          TargetType: 'ip',
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: vpcId,
          HealthCheckPath: '/health',
        },
      },
      HttpListener: {
        id: listenerArn,
        arn: listenerArn,
        properties: {
          LoadBalancerArn: albArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
        },
      },
      WebService: {
        id: serviceArn,
        arn: serviceArn,
        properties: {
          ServiceName: serviceName,
          Cluster: clusterName,
          TaskDefinition: taskDefArn,
          LaunchType: 'FARGATE',
          DesiredCount: 1,
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              Subnets: [...privateSubnets],
              SecurityGroups: [appSg],
              AssignPublicIp: 'DISABLED',
            },
          },
          LoadBalancers: [{ TargetGroupArn: tgArn, ContainerName: 'web', ContainerPort: 8080 }],
          DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
        },
      },
    },
    outputs: {
      cluster_name: clusterName,
      cluster_arn: apps.arn,
      service_name: serviceName,
      service_arn: serviceArn,
      task_definition_arn: taskDefArn,
      load_balancer_arn: albArn,
      load_balancer_dns_name: albDns,
      target_group_arn: tgArn,
      url: `http://${albDns}`,
      image_uri: imageUri,
      assets_bucket_name: bucket,
      log_group_name: logs.id,
    },
  };
}

function servicesEcr(s: Sim): Built {
  const api = repository(s, `${s.stem}/api`);
  const worker = repository(s, `${s.stem}/worker`);
  return {
    resources: { ApiRepository: api, WorkerRepository: worker },
    outputs: {
      registry_id: s.account,
      registry_uri: registryUri(s),
      api_repository_name: api.id,
      api_repository_uri: `${registryUri(s)}/${api.id}`,
      api_repository_arn: api.arn,
      worker_repository_name: worker.id,
      worker_repository_uri: `${registryUri(s)}/${worker.id}`,
      worker_repository_arn: worker.arn,
    },
  };
}

function servicesEcs(s: Sim): Built {
  const vpcId = needString(s, 'network', 'vpc_id');
  const privateSubnets = needStrings(s, 'network', 'private_subnet_ids');
  const appSg = needString(s, 'security', 'app_security_group_id');
  const apiImage = `${needString(s, 'services-ecr', 'api_repository_uri')}:latest`;
  const workerImage = `${needString(s, 'services-ecr', 'worker_repository_uri')}:latest`;

  const clusterName = `${s.stem}-services`;
  const services = cluster(s, clusterName);
  const namespaceName = `${s.env}.svc.internal`;
  const namespaceId = `ns-${s.rng.string(LOWER_ALNUM, 16)}`;
  const logs = logGroup(s, `/ecs/${s.stem}/services`, 30);
  const execRole = role(s, 'services-exec', 'ecs-tasks.amazonaws.com', [
    'service-role/AmazonECSTaskExecutionRolePolicy',
  ]);
  const taskDefinition = (name: string, image: string, port: number | null): BuiltResource => {
    const arn = arnOf(s, 'ecs', `task-definition/${s.stem}-${name}:1`);
    return {
      id: arn,
      arn,
      properties: {
        Family: `${s.stem}-${name}`,
        ...FARGATE_TASK,
        RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
        ExecutionRoleArn: execRole.arn,
        ContainerDefinitions: [
          {
            Name: name,
            Image: image,
            Essential: true,
            PortMappings: port === null ? [] : [{ ContainerPort: port, Protocol: 'tcp' }],
            LogConfiguration: {
              LogDriver: 'awslogs',
              Options: {
                'awslogs-group': logs.id,
                'awslogs-region': s.region,
                'awslogs-stream-prefix': name,
              },
            },
          },
        ],
      },
    };
  };
  const apiTask = taskDefinition('api', apiImage, 8080);
  const workerTask = taskDefinition('worker', workerImage, null);
  const service = (name: string, task: BuiltResource): BuiltResource => {
    const arn = arnOf(s, 'ecs', `service/${clusterName}/${name}`);
    return {
      id: arn,
      arn,
      properties: {
        ServiceName: name,
        Cluster: clusterName,
        TaskDefinition: task.arn,
        LaunchType: 'FARGATE',
        DesiredCount: 1,
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: [...privateSubnets],
            SecurityGroups: [appSg],
            AssignPublicIp: 'DISABLED',
          },
        },
        ServiceRegistries: [
          {
            RegistryArn: arnOf(s, 'servicediscovery', `service/srv-${s.rng.string(LOWER_ALNUM, 16)}`),
            DnsName: `${name}.${namespaceName}`,
          },
        ],
      },
    };
  };
  const apiService = service('api', apiTask);
  const workerService = service('worker', workerTask);
  return {
    resources: {
      Cluster: services,
      Namespace: {
        id: namespaceId,
        arn: arnOf(s, 'servicediscovery', `namespace/${namespaceId}`),
        properties: { Name: namespaceName, Vpc: vpcId, HostedZoneId: hostedZoneId(s.rng) },
      },
      ServicesLogGroup: logs,
      TaskExecutionRole: execRole,
      ApiTaskDefinition: apiTask,
      WorkerTaskDefinition: workerTask,
      ApiService: apiService,
      WorkerService: workerService,
    },
    outputs: {
      cluster_name: clusterName,
      cluster_arn: services.arn,
      namespace_id: namespaceId,
      namespace_name: namespaceName,
      api_service_name: 'api',
      api_service_arn: apiService.arn,
      api_internal_url: `http://api.${namespaceName}:8080`,
      worker_service_name: 'worker',
      worker_service_arn: workerService.arn,
      log_group_name: logs.id,
    },
  };
}

const EKS_VERSION = '1.34';

function servicesEks(s: Sim): Built {
  const privateSubnets = needStrings(s, 'network', 'private_subnet_ids');
  const publicSubnets = needStrings(s, 'network', 'public_subnet_ids');
  const appSg = needString(s, 'security', 'app_security_group_id');
  const clusterName = `${s.stem}-eks`;
  const clusterArn = arnOf(s, 'eks', `cluster/${clusterName}`);
  const oidcId = s.rng.string('0123456789ABCDEF', 32);
  // The API endpoint and the OIDC issuer share the cluster's id, as in EKS.
  const endpoint = `https://${oidcId}.gr7.${s.region}.eks.amazonaws.com`;
  const issuer = `https://oidc.eks.${s.region}.amazonaws.com/id/${oidcId}`;
  const oidcArn = iamArn(s, `oidc-provider/oidc.eks.${s.region}.amazonaws.com/id/${oidcId}`);
  const clusterSg = ec2Id(s, 'sg');
  const clusterRole = role(s, 'eks-cluster', 'eks.amazonaws.com', ['AmazonEKSClusterPolicy']);
  const nodeRole = role(s, 'eks-node', 'ec2.amazonaws.com', [
    'AmazonEKSWorkerNodePolicy',
    'AmazonEKS_CNI_Policy',
    'AmazonEC2ContainerRegistryReadOnly',
  ]);
  const nodeGroupName = `${s.stem}-nodes`;
  const nodeGroupArn = arnOf(s, 'eks', `nodegroup/${clusterName}/${nodeGroupName}/${s.rng.uuid()}`);
  return {
    resources: {
      ClusterRole: clusterRole,
      NodeRole: nodeRole,
      Cluster: {
        id: clusterName,
        arn: clusterArn,
        properties: {
          Name: clusterName,
          Version: EKS_VERSION,
          RoleArn: clusterRole.arn,
          ResourcesVpcConfig: {
            SubnetIds: [...privateSubnets, ...publicSubnets],
            SecurityGroupIds: [appSg],
            EndpointPublicAccess: true,
            EndpointPrivateAccess: true,
          },
          AccessConfig: { AuthenticationMode: 'API' },
          KubernetesNetworkConfig: { ServiceIpv4Cidr: '172.20.0.0/16' },
          Endpoint: endpoint,
          ClusterSecurityGroupId: clusterSg,
          OpenIdConnectIssuerUrl: issuer,
        },
      },
      OidcProvider: {
        id: oidcArn,
        arn: oidcArn,
        properties: { Url: issuer, ClientIdList: ['sts.amazonaws.com'] },
      },
      NodeGroup: {
        id: `${clusterName}/${nodeGroupName}`,
        arn: nodeGroupArn,
        properties: {
          ClusterName: clusterName,
          NodegroupName: nodeGroupName,
          NodeRole: nodeRole.arn,
          InstanceTypes: [s.params.instance_type],
          AmiType: isArm(s.params) ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD',
          CapacityType: 'ON_DEMAND',
          ScalingConfig: { MinSize: 1, DesiredSize: 2, MaxSize: 3 },
          Subnets: [...privateSubnets],
        },
      },
    },
    outputs: {
      cluster_name: clusterName,
      cluster_arn: clusterArn,
      cluster_endpoint: endpoint,
      cluster_version: EKS_VERSION,
      cluster_security_group_id: clusterSg,
      oidc_issuer_url: issuer,
      oidc_provider_arn: oidcArn,
      node_group_name: nodeGroupName,
      node_role_arn: nodeRole.arn,
      kubeconfig_command: `aws eks update-kubeconfig --region ${s.region} --name ${clusterName}`,
    },
  };
}

function lambdaFunction(
  s: Sim,
  name: string,
  roleArn: string,
  subnets: string[],
  securityGroup: string,
  variables: Record<string, string>,
): BuiltResource {
  return {
    id: name,
    arn: arnOf(s, 'lambda', `function:${name}`),
    properties: {
      FunctionName: name,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 29,
      Role: roleArn,
      VpcConfig: { SubnetIds: [...subnets], SecurityGroupIds: [securityGroup] },
      Environment: { Variables: variables },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: `/aws/lambda/${name}` },
      TracingConfig: { Mode: 'Active' },
    },
  };
}

const LAMBDA_VPC_POLICIES = ['service-role/AWSLambdaVPCAccessExecutionRole'];

function servicesApi(s: Sim): Built {
  const privateSubnets = needStrings(s, 'network', 'private_subnet_ids');
  const appSg = needString(s, 'security', 'app_security_group_id');
  const dbHost = needString(s, 'database-rds', 'endpoint');
  const dbPortValue = needNumber(s, 'database-rds', 'port');
  const dbName = needString(s, 'database-rds', 'db_name');
  const dbSecretArn = needString(s, 'database-rds', 'master_user_secret_arn');
  const functionName = `${s.stem}-api`;
  const functionRole = role(s, 'api-fn', 'lambda.amazonaws.com', LAMBDA_VPC_POLICIES, [
    {
      PolicyName: 'database-secret',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: dbSecretArn }],
      },
    },
  ]);
  const logs = logGroup(s, `/aws/lambda/${functionName}`, 30);
  const fn = lambdaFunction(s, functionName, functionRole.arn, privateSubnets, appSg, {
    DB_HOST: dbHost,
    DB_PORT: String(dbPortValue),
    DB_NAME: dbName,
    DB_SECRET_ARN: dbSecretArn,
  });
  const apiId = s.rng.string(LOWER_ALNUM, 10);
  const apiArn = `arn:aws:apigateway:${s.region}::/restapis/${apiId}`;
  const endpoint = `https://${apiId}.execute-api.${s.region}.amazonaws.com/prod`;
  return {
    resources: {
      FunctionRole: functionRole,
      FunctionLogGroup: logs,
      Function: fn,
      RestApi: {
        id: apiId,
        arn: apiArn,
        properties: {
          Name: `${s.stem}-api`,
          EndpointConfiguration: { Types: ['REGIONAL'] },
          RootResourceId: s.rng.string(LOWER_ALNUM, 10),
          ProxyIntegration: { Type: 'AWS_PROXY', FunctionArn: fn.arn },
        },
      },
      ProdStage: {
        id: 'prod',
        arn: `${apiArn}/stages/prod`,
        properties: {
          StageName: 'prod',
          RestApiId: apiId,
          DeploymentId: s.rng.string(LOWER_ALNUM, 6),
          TracingEnabled: true,
          MethodSettings: [
            { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
          ],
        },
      },
    },
    outputs: {
      api_id: apiId,
      api_endpoint: endpoint,
      stage_name: 'prod',
      function_name: functionName,
      function_arn: fn.arn,
      log_group_name: logs.id,
    },
  };
}

function computeEc2(s: Sim): Built {
  const subnets = needStrings(s, 'network', 'private_subnet_ids');
  const cidrs = needStrings(s, 'network', 'private_subnet_cidrs');
  const azs = needStrings(s, 'network', 'availability_zones');
  const appSg = needString(s, 'security', 'app_security_group_id');
  const kmsKeyArn = needString(s, 'security', 'kms_key_arn');
  const index = s.rng.int(0, Math.min(subnets.length, cidrs.length, azs.length) - 1);
  const subnetId = subnets[index] as string;
  const az = azs[index] as string;
  const privateIp = hostIn(s.rng, cidrs[index] as string);
  const dnsName = privateDnsName(s, privateIp);
  const instanceRole = role(s, 'instance', 'ec2.amazonaws.com', ['AmazonSSMManagedInstanceCore']);
  const profileArn = iamArn(s, `instance-profile/${instanceRole.id}`);
  const instanceId = ec2Id(s, 'i');
  const amiId = ec2Id(s, 'ami');
  return {
    resources: {
      InstanceRole: instanceRole,
      InstanceProfile: {
        id: instanceRole.id,
        arn: profileArn,
        properties: {
          InstanceProfileName: instanceRole.id,
          InstanceProfileId: `AIPA${s.rng.string(BASE32, 17)}`,
          Roles: [instanceRole.id],
        },
      },
      Instance: {
        id: instanceId,
        arn: ec2Arn(s, 'instance', instanceId),
        properties: {
          InstanceType: s.params.instance_type,
          ImageId: amiId,
          ImageName: `al2023-ami-2023.9.20251117.0-kernel-6.1-${isArm(s.params) ? 'arm64' : 'x86_64'}`,
          SubnetId: subnetId,
          AvailabilityZone: az,
          SecurityGroupIds: [appSg],
          PrivateIpAddress: privateIp,
          PrivateDnsName: dnsName,
          IamInstanceProfile: instanceRole.id,
          MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
          BlockDeviceMappings: [
            {
              DeviceName: '/dev/xvda',
              Ebs: { VolumeSize: 8, VolumeType: 'gp3', Encrypted: true, KmsKeyId: kmsKeyArn },
            },
          ],
          Tags: tags(s, `${s.env}-instance`),
        },
      },
    },
    outputs: {
      instance_id: instanceId,
      instance_arn: ec2Arn(s, 'instance', instanceId),
      instance_type: s.params.instance_type,
      ami_id: amiId,
      private_ip: privateIp,
      private_dns_name: dnsName,
      availability_zone: az,
      subnet_id: subnetId,
      instance_profile_arn: profileArn,
      ssm_session_command: `aws ssm start-session --region ${s.region} --target ${instanceId}`,
    },
  };
}

function computeLambda(s: Sim): Built {
  const privateSubnets = needStrings(s, 'network', 'private_subnet_ids');
  const appSg = needString(s, 'security', 'app_security_group_id');
  const functionName = `${s.stem}-worker`;
  const functionRole = role(s, 'worker-fn', 'lambda.amazonaws.com', LAMBDA_VPC_POLICIES);
  const logs = logGroup(s, `/aws/lambda/${functionName}`, 30);
  const fn = lambdaFunction(s, functionName, functionRole.arn, privateSubnets, appSg, { ENVIRONMENT: s.env });
  const ruleName = `${s.stem}-worker-schedule`;
  const ruleArn = arnOf(s, 'events', `rule/${ruleName}`);
  return {
    resources: {
      FunctionRole: functionRole,
      FunctionLogGroup: logs,
      Function: fn,
      ScheduleRule: {
        id: ruleName,
        arn: ruleArn,
        properties: {
          Name: ruleName,
          ScheduleExpression: 'rate(5 minutes)',
          State: 'ENABLED',
          Targets: [{ Id: 'worker', Arn: fn.arn }],
        },
      },
    },
    outputs: {
      function_name: functionName,
      function_arn: fn.arn,
      role_arn: functionRole.arn,
      log_group_name: logs.id,
      schedule_rule_arn: ruleArn,
    },
  };
}

function monitoring(s: Sim): Built {
  const vpcId = needString(s, 'network', 'vpc_id');
  const natGatewayId = needStrings(s, 'network', 'nat_gateway_ids')[0] as string;
  const topicName = `${s.stem}-alarms`;
  const topicArn = arnOf(s, 'sns', topicName);
  const logs = logGroup(s, `/vpc/${s.stem}/flow-logs`, 14);
  const flowLogRole = role(s, 'flow-logs', 'vpc-flow-logs.amazonaws.com', []);
  const flowLogId = ec2Id(s, 'fl');
  const alarmName = `${s.stem}-nat-port-allocation-errors`;
  const dashboardName = `${s.stem}-overview`;
  return {
    resources: {
      AlarmTopic: {
        id: topicArn,
        arn: topicArn,
        properties: { TopicName: topicName, KmsMasterKeyId: 'alias/aws/sns' },
      },
      FlowLogGroup: logs,
      FlowLogRole: flowLogRole,
      VpcFlowLog: {
        id: flowLogId,
        arn: ec2Arn(s, 'vpc-flow-log', flowLogId),
        properties: {
          ResourceId: vpcId,
          ResourceType: 'VPC',
          TrafficType: 'REJECT',
          LogDestinationType: 'cloud-watch-logs',
          LogGroupName: logs.id,
          DeliverLogsPermissionArn: flowLogRole.arn,
          MaxAggregationInterval: 600,
        },
      },
      NatGatewayErrorAlarm: {
        id: alarmName,
        arn: arnOf(s, 'cloudwatch', `alarm:${alarmName}`),
        properties: {
          AlarmName: alarmName,
          Namespace: 'AWS/NATGateway',
          MetricName: 'ErrorPortAllocation',
          Dimensions: [{ Name: 'NatGatewayId', Value: natGatewayId }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [topicArn],
        },
      },
      Dashboard: {
        id: dashboardName,
        arn: `arn:aws:cloudwatch::${s.account}:dashboard/${dashboardName}`,
        properties: {
          DashboardName: dashboardName,
          Widgets: [
            {
              title: 'NAT gateway bytes out',
              metric: 'AWS/NATGateway BytesOutToDestination',
              NatGatewayId: natGatewayId,
            },
            { title: 'Rejected VPC traffic', logGroup: logs.id },
          ],
        },
      },
    },
    outputs: {
      alarm_topic_arn: topicArn,
      alarm_names: [alarmName],
      dashboard_name: dashboardName,
      dashboard_url: `https://${s.region}.console.aws.amazon.com/cloudwatch/home?region=${s.region}#dashboards/dashboard/${dashboardName}`,
      flow_log_id: flowLogId,
      log_group_name: logs.id,
    },
  };
}

const BUILDERS: Readonly<Record<string, (s: Sim) => Built>> = {
  network,
  security,
  dns,
  secrets,
  authentication,
  storage,
  'database-rds': databaseRds,
  'containers-images': containersImages,
  'containers-apps': containersApps,
  'services-ecr': servicesEcr,
  'services-ecs': servicesEcs,
  'services-eks': servicesEks,
  'services-api': servicesApi,
  'compute-ec2': computeEc2,
  'compute-lambda': computeLambda,
  monitoring,
};

// ---------------------------------------------------------------- public functions

/** The environment name as a DNS label (it normally is one already: see EnvironmentName in schemas.ts). */
function envLabel(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
  return label === '' ? 'env' : label;
}

/**
 * Simulates provisioning `stack`. Deterministic for (environmentId, stack, attempt) and the
 * other inputs: the same inputs give byte-identical results. `dependencyOutputs` maps each
 * dependency stack name to its outputs; throws a plain Error naming the missing dependency
 * output if one the stack needs is absent, or for an unknown stack.
 */
export function simulateStack(
  stack: string,
  context: SimulationContext,
  dependencyOutputs: DependencyOutputs,
): SimulatedStack {
  const definition = getStackDefinition(stack);
  const builder = Object.hasOwn(BUILDERS, stack) ? BUILDERS[stack] : undefined;
  if (!definition || !builder) throw new Error(`Unknown stack: ${stack}`);
  const env = envLabel(context.environmentName);
  const short = hashHex(context.environmentId, 6);
  const sim: Sim = {
    stack,
    rng: createRng(`${context.environmentId}|${stack}|${context.attempt ?? 1}`),
    region: context.region,
    account: context.accountId,
    params: context.parameters,
    azs: availabilityZones(context.region),
    env,
    short,
    stem: `${env}-${short}`,
    deps: dependencyOutputs,
  };
  const built = builder(sim);
  const builtIds = Object.keys(built.resources);
  if (builtIds.length !== definition.resources.length) {
    throw new Error(`Simulation of ${stack} does not match its catalog entry`);
  }
  const resources = definition.resources.map((spec): SimulatedResource => {
    const resource = Object.hasOwn(built.resources, spec.logicalId)
      ? built.resources[spec.logicalId]
      : undefined;
    if (!resource) throw new Error(`Simulation of ${stack} does not create ${spec.logicalId}`);
    return {
      type: spec.type,
      logical_id: spec.logicalId,
      id: resource.id,
      arn: resource.arn,
      properties: resource.properties,
      monthly_cost_usd: roundCents(spec.monthlyCostUsd(context.parameters)),
    };
  });
  return {
    resources,
    outputs: built.outputs,
    monthlyCostUsd: roundCents(resources.reduce((sum, r) => sum + r.monthly_cost_usd, 0)),
  };
}

/** Unscaled simulated duration in whole seconds, deterministic for (environmentId, stack, kind, attempt), within the stack's range. */
export function simulatedDurationSeconds(
  stack: string,
  context: Pick<SimulationContext, 'environmentId' | 'attempt'>,
  kind: 'provision' | 'destroy',
): number {
  const definition = getStackDefinition(stack);
  if (!definition) throw new Error(`Unknown stack: ${stack}`);
  const range = kind === 'provision' ? definition.durationSeconds : definition.destroyDurationSeconds;
  const rng = createRng(`${context.environmentId}|${stack}|${kind}|${context.attempt ?? 1}|duration`);
  return rng.int(range.min, range.max);
}
