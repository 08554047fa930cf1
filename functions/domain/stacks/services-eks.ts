/**
 * Stack kind `services-eks`: an EKS cluster, its OIDC provider and a managed node group.
 */
import { HOURS_PER_MONTH, instanceMonthlyCost, monthly, PRICES } from '../prices.ts';
import { needString, needStrings } from './dependencies.ts';
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { arnOf, ec2Id, iamArn } from './naming.ts';
import { isArm } from './parameters.ts';
import { role } from './resources.ts';
import { roleSpec, spec } from './specs.ts';

export const definition = defineStack({
  name: 'services-eks',
  description: 'EKS cluster with a managed node group of two instances in the private subnets',
  dependsOn: ['network', 'security'],
  durationSeconds: { min: 600, max: 900 },
  destroyDurationSeconds: { min: 420, max: 720 },
  resources: [
    roleSpec('ClusterRole', 'Role of the EKS control plane'),
    roleSpec('NodeRole', 'Role of the worker nodes'),
    spec(
      'Cluster',
      'AWS::EKS::Cluster',
      'EKS control plane',
      monthly(PRICES.eksControlPlaneHour * HOURS_PER_MONTH),
    ),
    spec('OidcProvider', 'AWS::IAM::OIDCProvider', 'IAM OIDC provider for service account roles'),
    spec(
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
});

const EKS_VERSION = '1.34';

export function build(s: BuildContext): Built {
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
