/**
 * The catalog of the 16 stack kinds: what each one depends on (DESIGN.md §4, the
 * `default` graph), the CloudFormation resources it creates, the outputs it exports to
 * its dependants, and how long it takes to create and delete.
 * Prices and how costs are counted: prices.ts.
 */
import {
  FARGATE_SMALL_TASK_MONTH,
  free,
  HOURS_PER_MONTH,
  instanceMonthlyCost,
  monthly,
  PRICES,
} from './prices.ts';
import type { ResolvedParameters } from './templates.ts';

/** One CloudFormation resource a stack creates. */
export interface ResourceSpec {
  /** Logical id in the stack, e.g. `PrivateSubnet1`. */
  logicalId: string;
  /** CloudFormation type, e.g. `AWS::EC2::Subnet`. */
  type: string;
  description: string;
  /** Monthly cost in USD with these parameters (not rounded). */
  monthlyCostUsd: (parameters: ResolvedParameters) => number;
}

export interface StackDefinition {
  name: string;
  description: string;
  dependsOn: readonly string[];
  /** The distinct CloudFormation types of `resources`, in first-use order. */
  resourceTypes: readonly string[];
  /** Provisioning time in seconds, real-world-ish. */
  durationSeconds: { min: number; max: number };
  destroyDurationSeconds: { min: number; max: number };
  /** Every resource the stack creates, in creation order. */
  resources: readonly ResourceSpec[];
  /** The output keys the stack exports (what dependants may consume). */
  outputs: readonly string[];
}

function r(
  logicalId: string,
  type: string,
  description: string,
  monthlyCostUsd: ResourceSpec['monthlyCostUsd'] = free,
) {
  return { logicalId, type, description, monthlyCostUsd };
}

/** Availability zones used per region (see `availabilityZones` in aws.ts). */
const AZ_COUNT = 3;
const perAz = (prefix: string, type: string, description: string): ResourceSpec[] =>
  Array.from({ length: AZ_COUNT }, (_, i) => r(`${prefix}${i + 1}`, type, `${description} in AZ ${i + 1}`));

const role = (logicalId: string, description: string) => r(logicalId, 'AWS::IAM::Role', description);
const logGroup = (logicalId: string, description: string) => r(logicalId, 'AWS::Logs::LogGroup', description);

type Definition = Omit<StackDefinition, 'name' | 'resourceTypes'>;

const DEFINITIONS: Record<string, Definition> = {
  network: {
    description:
      'VPC across three availability zones: public and private subnets, internet gateway, a NAT gateway',
    dependsOn: [],
    durationSeconds: { min: 60, max: 120 },
    destroyDurationSeconds: { min: 60, max: 120 },
    resources: [
      r('Vpc', 'AWS::EC2::VPC', 'The VPC'),
      r('InternetGateway', 'AWS::EC2::InternetGateway', 'Internet gateway attached to the VPC'),
      ...perAz('PublicSubnet', 'AWS::EC2::Subnet', 'Public subnet'),
      ...perAz('PrivateSubnet', 'AWS::EC2::Subnet', 'Private subnet'),
      r('PublicRouteTable', 'AWS::EC2::RouteTable', 'Routes the public subnets to the internet gateway'),
      r(
        'NatGatewayEip',
        'AWS::EC2::EIP',
        'Public IPv4 address of the NAT gateway',
        monthly(PRICES.publicIpv4Hour * HOURS_PER_MONTH),
      ),
      r(
        'NatGateway',
        'AWS::EC2::NatGateway',
        'NAT gateway for the private subnets',
        monthly(PRICES.natGatewayHour * HOURS_PER_MONTH),
      ),
      r('PrivateRouteTable', 'AWS::EC2::RouteTable', 'Routes the private subnets to the NAT gateway'),
      r(
        'S3GatewayEndpoint',
        'AWS::EC2::VPCEndpoint',
        'Gateway endpoint keeping S3 traffic off the NAT gateway',
      ),
    ],
    outputs: [
      'vpc_id',
      'vpc_cidr',
      'availability_zones',
      'public_subnet_ids',
      'private_subnet_ids',
      'public_subnet_cidrs',
      'private_subnet_cidrs',
      'internet_gateway_id',
      'nat_gateway_ids',
      'nat_public_ips',
      'public_route_table_id',
      'private_route_table_ids',
      's3_endpoint_id',
    ],
  },
  security: {
    description:
      'Security groups for the load balancer, the applications and the database; a KMS key; a WAF web ACL',
    dependsOn: ['network'],
    durationSeconds: { min: 20, max: 45 },
    destroyDurationSeconds: { min: 15, max: 30 },
    resources: [
      r('AlbSecurityGroup', 'AWS::EC2::SecurityGroup', 'Allows HTTP and HTTPS from the internet'),
      r('AppSecurityGroup', 'AWS::EC2::SecurityGroup', 'Allows the application port from the load balancer'),
      r('DatabaseSecurityGroup', 'AWS::EC2::SecurityGroup', 'Allows the database port from the applications'),
      r(
        'EncryptionKey',
        'AWS::KMS::Key',
        'Customer managed key for data at rest',
        monthly(PRICES.kmsKeyMonth),
      ),
      r('EncryptionKeyAlias', 'AWS::KMS::Alias', 'Alias of the encryption key'),
      r(
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
  },
  dns: {
    description:
      'Public hosted zone for the domain, private zone in the VPC, TLS certificate validated by DNS',
    dependsOn: ['network'],
    durationSeconds: { min: 90, max: 240 },
    destroyDurationSeconds: { min: 30, max: 60 },
    resources: [
      r(
        'HostedZone',
        'AWS::Route53::HostedZone',
        'Public hosted zone of the domain',
        monthly(PRICES.hostedZoneMonth),
      ),
      r(
        'PrivateHostedZone',
        'AWS::Route53::HostedZone',
        'Private hosted zone associated with the VPC',
        monthly(PRICES.hostedZoneMonth),
      ),
      r(
        'Certificate',
        'AWS::CertificateManager::Certificate',
        'Certificate for the domain and its subdomains',
      ),
    ],
    outputs: [
      'hosted_zone_id',
      'domain_name',
      'name_servers',
      'certificate_arn',
      'private_hosted_zone_id',
      'private_domain_name',
    ],
  },
  secrets: {
    description: 'Secrets Manager secrets for application configuration and API keys',
    dependsOn: [],
    durationSeconds: { min: 10, max: 25 },
    destroyDurationSeconds: { min: 5, max: 15 },
    resources: [
      r(
        'AppConfigSecret',
        'AWS::SecretsManager::Secret',
        'Application configuration',
        monthly(PRICES.secretMonth),
      ),
      r('ApiKeysSecret', 'AWS::SecretsManager::Secret', 'Third-party API keys', monthly(PRICES.secretMonth)),
    ],
    outputs: [
      'app_secret_name',
      'app_secret_arn',
      'api_keys_secret_name',
      'api_keys_secret_arn',
      'secret_arns',
    ],
  },
  authentication: {
    description:
      'Cognito user pool, app client, hosted sign-in domain and identity pool, protected by the WAF web ACL',
    dependsOn: ['security'],
    durationSeconds: { min: 25, max: 60 },
    destroyDurationSeconds: { min: 15, max: 40 },
    resources: [
      r(
        'UserPool',
        'AWS::Cognito::UserPool',
        'User pool (email sign-in; free up to 10,000 monthly active users)',
      ),
      r('UserPoolClient', 'AWS::Cognito::UserPoolClient', 'App client for the web application'),
      r('UserPoolDomain', 'AWS::Cognito::UserPoolDomain', 'Hosted sign-in domain'),
      r('IdentityPool', 'AWS::Cognito::IdentityPool', 'Exchanges user pool tokens for AWS credentials'),
      role('AuthenticatedRole', 'Role assumed by signed-in users through the identity pool'),
      r(
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
  },
  storage: {
    description:
      'S3 bucket for application assets (SSE-KMS with the environment key) and a bucket for its access logs',
    dependsOn: ['security'],
    durationSeconds: { min: 15, max: 35 },
    destroyDurationSeconds: { min: 10, max: 30 },
    resources: [
      r('AccessLogsBucket', 'AWS::S3::Bucket', 'Server access logs of the assets bucket (SSE-S3)'),
      r(
        'AssetsBucket',
        'AWS::S3::Bucket',
        'Application assets, versioned, encrypted with the environment key',
      ),
    ],
    outputs: [
      'bucket_name',
      'bucket_arn',
      'bucket_regional_domain_name',
      'logs_bucket_name',
      'logs_bucket_arn',
      'kms_key_arn',
    ],
  },
  'database-rds': {
    description:
      'RDS database instance (PostgreSQL or MySQL) in the private subnets, encrypted, TLS enforced',
    dependsOn: ['network', 'security'],
    durationSeconds: { min: 300, max: 480 },
    destroyDurationSeconds: { min: 240, max: 420 },
    resources: [
      r('DbSubnetGroup', 'AWS::RDS::DBSubnetGroup', 'The private subnets the database may use'),
      r('DbParameterGroup', 'AWS::RDS::DBParameterGroup', 'Engine parameters: TLS required'),
      r(
        'DbInstance',
        'AWS::RDS::DBInstance',
        'Single-AZ database instance with gp3 storage',
        (p) => PRICES.rdsHour[p.db_instance_class] * HOURS_PER_MONTH + p.storage_gb * PRICES.rdsGp3GbMonth,
      ),
    ],
    outputs: [
      'endpoint',
      'port',
      'engine',
      'engine_version',
      'db_name',
      'master_username',
      'master_user_secret_arn',
      'db_instance_identifier',
      'db_instance_arn',
      'db_resource_id',
      'subnet_group_name',
      'security_group_id',
    ],
  },
  'containers-images': {
    description: 'ECR repository for the web application image and the CodeBuild project that builds it',
    dependsOn: ['authentication'],
    durationSeconds: { min: 20, max: 45 },
    destroyDurationSeconds: { min: 10, max: 25 },
    resources: [
      r('WebRepository', 'AWS::ECR::Repository', 'Image repository (scan on push, immutable tags)'),
      role('BuildRole', 'Role of the image build'),
      r('BuildProject', 'AWS::CodeBuild::Project', 'Builds the image with the sign-in settings baked in'),
    ],
    outputs: [
      'repository_name',
      'repository_arn',
      'repository_uri',
      'image_tag',
      'image_uri',
      'image_digest',
      'build_project_name',
    ],
  },
  'containers-apps': {
    description: 'The web application on ECS Fargate behind an internet-facing Application Load Balancer',
    dependsOn: ['network', 'security', 'storage', 'containers-images'],
    durationSeconds: { min: 180, max: 360 },
    destroyDurationSeconds: { min: 120, max: 240 },
    resources: [
      r('Cluster', 'AWS::ECS::Cluster', 'ECS cluster (Fargate capacity providers)'),
      logGroup('WebLogGroup', 'Container logs'),
      role('TaskExecutionRole', 'Pulls the image and writes logs'),
      role('TaskRole', 'Application role: read and write the assets bucket'),
      r('WebTaskDefinition', 'AWS::ECS::TaskDefinition', 'Task of 0.25 vCPU and 0.5 GB'),
      r(
        'LoadBalancer',
        'AWS::ElasticLoadBalancingV2::LoadBalancer',
        'Internet-facing Application Load Balancer',
        monthly(PRICES.albHour * HOURS_PER_MONTH),
      ),
      r('WebTargetGroup', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'Targets the tasks by IP'),
      r('HttpListener', 'AWS::ElasticLoadBalancingV2::Listener', 'Forwards HTTP to the target group'),
      r('WebService', 'AWS::ECS::Service', 'Fargate service, one task', monthly(FARGATE_SMALL_TASK_MONTH)),
    ],
    outputs: [
      'cluster_name',
      'cluster_arn',
      'service_name',
      'service_arn',
      'task_definition_arn',
      'load_balancer_arn',
      'load_balancer_dns_name',
      'target_group_arn',
      'url',
      'image_uri',
      'assets_bucket_name',
      'log_group_name',
    ],
  },
  'services-ecr': {
    description: 'ECR repositories for the API and worker service images',
    dependsOn: [],
    durationSeconds: { min: 10, max: 25 },
    destroyDurationSeconds: { min: 5, max: 15 },
    resources: [
      r('ApiRepository', 'AWS::ECR::Repository', 'Image repository of the API service'),
      r('WorkerRepository', 'AWS::ECR::Repository', 'Image repository of the worker service'),
    ],
    outputs: [
      'registry_id',
      'registry_uri',
      'api_repository_name',
      'api_repository_uri',
      'api_repository_arn',
      'worker_repository_name',
      'worker_repository_uri',
      'worker_repository_arn',
    ],
  },
  'services-ecs': {
    description: 'ECS Fargate cluster running the API and worker services, with Cloud Map service discovery',
    dependsOn: ['network', 'security', 'services-ecr'],
    durationSeconds: { min: 150, max: 300 },
    destroyDurationSeconds: { min: 90, max: 180 },
    resources: [
      r('Cluster', 'AWS::ECS::Cluster', 'ECS cluster (Fargate capacity providers)'),
      r(
        'Namespace',
        'AWS::ServiceDiscovery::PrivateDnsNamespace',
        'Private DNS namespace for service discovery',
      ),
      logGroup('ServicesLogGroup', 'Container logs of both services'),
      role('TaskExecutionRole', 'Pulls the images and writes logs'),
      r('ApiTaskDefinition', 'AWS::ECS::TaskDefinition', 'API task of 0.25 vCPU and 0.5 GB'),
      r('WorkerTaskDefinition', 'AWS::ECS::TaskDefinition', 'Worker task of 0.25 vCPU and 0.5 GB'),
      r('ApiService', 'AWS::ECS::Service', 'API service, one task', monthly(FARGATE_SMALL_TASK_MONTH)),
      r('WorkerService', 'AWS::ECS::Service', 'Worker service, one task', monthly(FARGATE_SMALL_TASK_MONTH)),
    ],
    outputs: [
      'cluster_name',
      'cluster_arn',
      'namespace_id',
      'namespace_name',
      'api_service_name',
      'api_service_arn',
      'api_internal_url',
      'worker_service_name',
      'worker_service_arn',
      'log_group_name',
    ],
  },
  'services-eks': {
    description: 'EKS cluster with a managed node group of two instances in the private subnets',
    dependsOn: ['network', 'security'],
    durationSeconds: { min: 600, max: 900 },
    destroyDurationSeconds: { min: 420, max: 720 },
    resources: [
      role('ClusterRole', 'Role of the EKS control plane'),
      role('NodeRole', 'Role of the worker nodes'),
      r(
        'Cluster',
        'AWS::EKS::Cluster',
        'EKS control plane',
        monthly(PRICES.eksControlPlaneHour * HOURS_PER_MONTH),
      ),
      r('OidcProvider', 'AWS::IAM::OIDCProvider', 'IAM OIDC provider for service account roles'),
      r(
        'NodeGroup',
        'AWS::EKS::Nodegroup',
        'Managed node group, two instances',
        (p) => 2 * instanceMonthlyCost(p),
      ),
    ],
    outputs: [
      'cluster_name',
      'cluster_arn',
      'cluster_endpoint',
      'cluster_version',
      'cluster_security_group_id',
      'oidc_issuer_url',
      'oidc_provider_arn',
      'node_group_name',
      'node_role_arn',
      'kubeconfig_command',
    ],
  },
  'services-api': {
    description: 'REST API (API Gateway) backed by a Lambda function in the VPC that talks to the database',
    dependsOn: ['network', 'security', 'database-rds'],
    durationSeconds: { min: 40, max: 90 },
    destroyDurationSeconds: { min: 30, max: 60 },
    resources: [
      role('FunctionRole', 'Role of the API function: VPC access and the database secret'),
      logGroup('FunctionLogGroup', 'Logs of the API function'),
      r('Function', 'AWS::Lambda::Function', 'API function (Node.js, arm64) in the private subnets'),
      r('RestApi', 'AWS::ApiGateway::RestApi', 'Regional REST API proxying to the function'),
      r('ProdStage', 'AWS::ApiGateway::Stage', 'Stage `prod`, throttled'),
    ],
    outputs: ['api_id', 'api_endpoint', 'stage_name', 'function_name', 'function_arn', 'log_group_name'],
  },
  'compute-ec2': {
    description: 'An EC2 instance in a private subnet, reachable through SSM Session Manager',
    dependsOn: ['network', 'security'],
    durationSeconds: { min: 45, max: 120 },
    destroyDurationSeconds: { min: 60, max: 120 },
    resources: [
      role('InstanceRole', 'Instance role with SSM managed instance core'),
      r('InstanceProfile', 'AWS::IAM::InstanceProfile', 'Instance profile of the instance role'),
      r(
        'Instance',
        'AWS::EC2::Instance',
        'Amazon Linux 2023 instance, IMDSv2 only, encrypted root volume',
        instanceMonthlyCost,
      ),
    ],
    outputs: [
      'instance_id',
      'instance_arn',
      'instance_type',
      'ami_id',
      'private_ip',
      'private_dns_name',
      'availability_zone',
      'subnet_id',
      'instance_profile_arn',
      'ssm_session_command',
    ],
  },
  'compute-lambda': {
    description: 'A scheduled Lambda function in the private subnets',
    dependsOn: ['network', 'security'],
    durationSeconds: { min: 30, max: 75 },
    destroyDurationSeconds: { min: 30, max: 90 },
    resources: [
      role('FunctionRole', 'Role of the function: VPC access and logs'),
      logGroup('FunctionLogGroup', 'Logs of the function'),
      r('Function', 'AWS::Lambda::Function', 'Worker function (Node.js, arm64) in the private subnets'),
      r('ScheduleRule', 'AWS::Events::Rule', 'Runs the function every 5 minutes'),
    ],
    outputs: ['function_name', 'function_arn', 'role_arn', 'log_group_name', 'schedule_rule_arn'],
  },
  monitoring: {
    description: 'VPC flow logs, an alarm topic, a NAT gateway alarm and a CloudWatch dashboard',
    dependsOn: ['network'],
    durationSeconds: { min: 15, max: 40 },
    destroyDurationSeconds: { min: 10, max: 25 },
    resources: [
      r('AlarmTopic', 'AWS::SNS::Topic', 'Alarm notifications'),
      logGroup('FlowLogGroup', 'VPC flow logs (rejected traffic)'),
      role('FlowLogRole', 'Lets VPC flow logs write to CloudWatch Logs'),
      r('VpcFlowLog', 'AWS::EC2::FlowLog', 'Flow log of the VPC'),
      r(
        'NatGatewayErrorAlarm',
        'AWS::CloudWatch::Alarm',
        'NAT gateway port allocation errors',
        monthly(PRICES.alarmMonth),
      ),
      r('Dashboard', 'AWS::CloudWatch::Dashboard', 'Environment dashboard', monthly(PRICES.dashboardMonth)),
    ],
    outputs: [
      'alarm_topic_arn',
      'alarm_names',
      'dashboard_name',
      'dashboard_url',
      'flow_log_id',
      'log_group_name',
    ],
  },
};

/** The 16 stack kinds, in the order DESIGN.md lists them. */
export const STACK_CATALOG: Readonly<Record<string, StackDefinition>> = Object.freeze(
  Object.fromEntries(
    Object.entries(DEFINITIONS).map(([name, d]) => [
      name,
      Object.freeze({ name, ...d, resourceTypes: [...new Set(d.resources.map((res) => res.type))] }),
    ]),
  ),
);

/** Names of the stacks in the catalog, in catalog order. */
export const STACK_NAMES: readonly string[] = Object.freeze(Object.keys(STACK_CATALOG));

/** The catalog entry of a stack, or undefined for an unknown name. */
export function getStackDefinition(name: string): StackDefinition | undefined {
  return Object.hasOwn(STACK_CATALOG, name) ? STACK_CATALOG[name] : undefined;
}
