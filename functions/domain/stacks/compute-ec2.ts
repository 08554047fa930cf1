/**
 * Stack kind `compute-ec2`: one EC2 instance in a private subnet, reached through SSM.
 */
import { hostIn } from '../cidr.ts';
import { instanceMonthlyCost } from '../prices.ts';
import { BASE32 } from '../random.ts';
import { needString, needStrings } from './dependencies.ts';
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { ec2Arn, ec2Id, iamArn, tags } from './naming.ts';
import { isArm } from './parameters.ts';
import { role } from './resources.ts';
import { roleSpec, spec } from './specs.ts';

export const definition = defineStack({
  name: 'compute-ec2',
  description: 'An EC2 instance in a private subnet, reachable through SSM Session Manager',
  dependsOn: ['network', 'security'],
  durationSeconds: { min: 45, max: 120 },
  destroyDurationSeconds: { min: 60, max: 120 },
  resources: [
    roleSpec('InstanceRole', 'Instance role with SSM managed instance core'),
    spec('InstanceProfile', 'AWS::IAM::InstanceProfile', 'Instance profile of the instance role'),
    spec(
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
});

const privateDnsName = (s: BuildContext, ip: string): string =>
  `ip-${ip.replaceAll('.', '-')}.${s.region === 'us-east-1' ? 'ec2.internal' : `${s.region}.compute.internal`}`;

export function build(s: BuildContext): Built {
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
