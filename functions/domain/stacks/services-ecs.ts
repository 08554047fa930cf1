/**
 * Stack kind `services-ecs`: the API and worker services on ECS Fargate, found through Cloud Map.
 */
import { FARGATE_SMALL_TASK_MONTH, monthly } from '../prices.ts';
import { LOWER_ALNUM } from '../random.ts';
import { needString, needStrings } from './dependencies.ts';
import { type BuildContext, type Built, type BuiltResource, defineStack } from './kind.ts';
import { arnOf, hostedZoneId } from './naming.ts';
import { cluster, FARGATE_TASK, logGroup, role } from './resources.ts';
import { logGroupSpec, roleSpec, spec } from './specs.ts';

export const definition = defineStack({
  name: 'services-ecs',
  description: 'ECS Fargate cluster running the API and worker services, with Cloud Map service discovery',
  dependsOn: ['network', 'security', 'services-ecr'],
  durationSeconds: { min: 150, max: 300 },
  destroyDurationSeconds: { min: 90, max: 180 },
  resources: [
    spec('Cluster', 'AWS::ECS::Cluster', 'ECS cluster (Fargate capacity providers)'),
    spec(
      'Namespace',
      'AWS::ServiceDiscovery::PrivateDnsNamespace',
      'Private DNS namespace for service discovery',
    ),
    logGroupSpec('ServicesLogGroup', 'Container logs of both services'),
    roleSpec('TaskExecutionRole', 'Pulls the images and writes logs'),
    spec('ApiTaskDefinition', 'AWS::ECS::TaskDefinition', 'API task of 0.25 vCPU and 0.5 GB'),
    spec('WorkerTaskDefinition', 'AWS::ECS::TaskDefinition', 'Worker task of 0.25 vCPU and 0.5 GB'),
    spec('ApiService', 'AWS::ECS::Service', 'API service, one task', monthly(FARGATE_SMALL_TASK_MONTH)),
    spec('WorkerService', 'AWS::ECS::Service', 'Worker service, one task', monthly(FARGATE_SMALL_TASK_MONTH)),
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
});

export function build(s: BuildContext): Built {
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
