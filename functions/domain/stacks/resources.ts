/**
 * Resources several stack kinds create alike: IAM roles, log groups, ECR repositories, ECS
 * clusters and Fargate tasks, Lambda functions in the VPC.
 */
import { BASE32 } from '../random.ts';
import type { BuildContext, BuiltResource } from './kind.ts';
import { arnOf, iamArn } from './naming.ts';

export function role(
  s: BuildContext,
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

export function logGroup(s: BuildContext, name: string, retentionInDays: number): BuiltResource {
  return {
    id: name,
    arn: arnOf(s, 'logs', `log-group:${name}`),
    properties: { LogGroupName: name, RetentionInDays: retentionInDays },
  };
}

export const registryUri = (s: BuildContext): string => `${s.account}.dkr.ecr.${s.region}.amazonaws.com`;

export function repository(s: BuildContext, name: string): BuiltResource {
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

export const FARGATE_TASK = {
  Cpu: '256',
  Memory: '512',
  NetworkMode: 'awsvpc',
  RequiresCompatibilities: ['FARGATE'],
};

export function cluster(s: BuildContext, name: string): BuiltResource {
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

export function lambdaFunction(
  s: BuildContext,
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

export const LAMBDA_VPC_POLICIES = ['service-role/AWSLambdaVPCAccessExecutionRole'];
