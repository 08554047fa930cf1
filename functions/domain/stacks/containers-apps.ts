/**
 * Stack kind `containers-apps`: the web application on ECS Fargate behind an Application Load
 * Balancer.
 */
import { FARGATE_SMALL_TASK_MONTH, HOURS_PER_MONTH, monthly, PRICES } from '../prices.ts';
import { needString, needStrings } from './dependencies.ts';
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { arnOf, fitName } from './naming.ts';
import { cluster, FARGATE_TASK, logGroup, role } from './resources.ts';
import { logGroupSpec, roleSpec, spec } from './specs.ts';

export const definition = defineStack({
  name: 'containers-apps',
  description: 'The web application on ECS Fargate behind an internet-facing Application Load Balancer',
  dependsOn: ['network', 'security', 'storage', 'containers-images'],
  durationSeconds: { min: 180, max: 360 },
  destroyDurationSeconds: { min: 120, max: 240 },
  resources: [
    spec('Cluster', 'AWS::ECS::Cluster', 'ECS cluster (Fargate capacity providers)'),
    logGroupSpec('WebLogGroup', 'Container logs'),
    roleSpec('TaskExecutionRole', 'Pulls the image and writes logs'),
    roleSpec('TaskRole', 'Application role: read and write the assets bucket'),
    spec('WebTaskDefinition', 'AWS::ECS::TaskDefinition', 'Task of 0.25 vCPU and 0.5 GB'),
    spec(
      'LoadBalancer',
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'Internet-facing Application Load Balancer',
      monthly(PRICES.albHour * HOURS_PER_MONTH),
    ),
    spec('WebTargetGroup', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'Targets the tasks by IP'),
    spec('HttpListener', 'AWS::ElasticLoadBalancingV2::Listener', 'Forwards HTTP to the target group'),
    spec('WebService', 'AWS::ECS::Service', 'Fargate service, one task', monthly(FARGATE_SMALL_TASK_MONTH)),
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
});

export function build(s: BuildContext): Built {
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
