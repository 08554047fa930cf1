/**
 * Stack kind `network`: the VPC, its public and private subnets in three availability zones, the
 * internet and NAT gateways, their route tables and an S3 gateway endpoint.
 */
import { hostIn, parseCidr, subnetCidr } from '../cidr.ts';
import { HOURS_PER_MONTH, monthly, PRICES } from '../prices.ts';
import { type BuildContext, type Built, type BuiltResource, defineStack } from './kind.ts';
import { ec2Arn, ec2Id, tags } from './naming.ts';
import { perAz, spec } from './specs.ts';

export const definition = defineStack({
  name: 'network',
  description:
    'VPC across three availability zones: public and private subnets, internet gateway, a NAT gateway',
  dependsOn: [],
  durationSeconds: { min: 60, max: 120 },
  destroyDurationSeconds: { min: 60, max: 120 },
  resources: [
    spec('Vpc', 'AWS::EC2::VPC', 'The VPC'),
    spec('InternetGateway', 'AWS::EC2::InternetGateway', 'Internet gateway attached to the VPC'),
    ...perAz('PublicSubnet', 'AWS::EC2::Subnet', 'Public subnet'),
    ...perAz('PrivateSubnet', 'AWS::EC2::Subnet', 'Private subnet'),
    spec('PublicRouteTable', 'AWS::EC2::RouteTable', 'Routes the public subnets to the internet gateway'),
    spec(
      'NatGatewayEip',
      'AWS::EC2::EIP',
      'Public IPv4 address of the NAT gateway',
      monthly(PRICES.publicIpv4Hour * HOURS_PER_MONTH),
    ),
    spec(
      'NatGateway',
      'AWS::EC2::NatGateway',
      'NAT gateway for the private subnets',
      monthly(PRICES.natGatewayHour * HOURS_PER_MONTH),
    ),
    spec('PrivateRouteTable', 'AWS::EC2::RouteTable', 'Routes the private subnets to the NAT gateway'),
    spec(
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
});

/** Public IPv4 ranges of Amazon EC2, to draw Elastic IPs from. */
const PUBLIC_IP_BLOCKS = [
  '3.208.0.0/12',
  '18.204.0.0/14',
  '34.192.0.0/12',
  '44.192.0.0/11',
  '52.0.0.0/11',
  '54.144.0.0/12',
];

export function build(s: BuildContext): Built {
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
