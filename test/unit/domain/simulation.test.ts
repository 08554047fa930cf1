import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipInCidr } from '../../../functions/domain/cidr.ts';
import { type ResolvedParameters, resolveParameters } from '../../../functions/domain/parameters.ts';
import {
  type SimulatedStack,
  type SimulationContext,
  simulatedDurationSeconds,
  simulateStack,
} from '../../../functions/domain/simulation.ts';
import { STACK_CATALOG, STACK_NAMES } from '../../../functions/domain/stacks/registry.ts';
import { estimateStackMonthlyCost, getTemplate } from '../../../functions/domain/templates.ts';

const PARAMETERS: ResolvedParameters = resolveParameters(
  {},
  { environmentName: 'preview-pr-123', projectName: 'Shop' },
);

const CONTEXT: SimulationContext = {
  environmentId: 'env_01jd8x3k5m7n9p1q3r5s7t9v1w',
  environmentName: 'preview-pr-123',
  region: 'eu-west-1',
  accountId: '123456789012',
  parameters: PARAMETERS,
};

type Outputs = Record<string, Record<string, unknown>>;

/** Simulates every stack of a template in layer order, feeding each its dependencies' outputs. */
function simulateTemplate(context: SimulationContext, template = 'default'): Record<string, SimulatedStack> {
  const layers = getTemplate(template)?.layers ?? [];
  const outputs: Outputs = {};
  const stacks: Record<string, SimulatedStack> = {};
  for (const stack of layers.flat()) {
    const deps = Object.fromEntries(
      (STACK_CATALOG[stack]?.dependsOn ?? []).map((d) => [d, outputs[d] ?? {}]),
    );
    const result = simulateStack(stack, context, deps);
    stacks[stack] = result;
    outputs[stack] = result.outputs;
  }
  return stacks;
}

const ENV = simulateTemplate(CONTEXT);

function stackOf(name: string): SimulatedStack {
  const stack = ENV[name];
  if (!stack) throw new Error(`no simulated ${name}`);
  return stack;
}
const out = (stack: string, key: string): unknown => stackOf(stack).outputs[key];
function resource(stack: string, logicalId: string) {
  const found = stackOf(stack).resources.find((r) => r.logical_id === logicalId);
  if (!found) throw new Error(`no ${logicalId} in ${stack}`);
  return found;
}

describe('simulateStack', () => {
  it('creates exactly the resources and outputs the catalog declares, for every stack', () => {
    for (const name of STACK_NAMES) {
      const definition = STACK_CATALOG[name];
      const simulated = stackOf(name);

      expect(simulated.resources.map((r) => [r.logical_id, r.type])).toEqual(
        definition?.resources.map((r) => [r.logicalId, r.type]),
      );
      expect(Object.keys(simulated.outputs)).toEqual(definition?.outputs);
    }
  });

  it('is deterministic: the same inputs give byte-identical results', () => {
    expect(JSON.stringify(simulateTemplate(CONTEXT))).toBe(JSON.stringify(ENV));
  });

  it('differs for another environment id, and for a retry', () => {
    const other = simulateTemplate({ ...CONTEXT, environmentId: 'env_01jd8x3k5m7n9p1q3r5s7t9v1x' });
    const retry = simulateTemplate({ ...CONTEXT, attempt: 2 });

    expect(other.network?.outputs.vpc_id).not.toBe(out('network', 'vpc_id'));
    expect(other['database-rds']?.outputs.endpoint).not.toBe(out('database-rds', 'endpoint'));
    expect(retry.network?.outputs.vpc_id).not.toBe(out('network', 'vpc_id'));
    expect(simulateTemplate({ ...CONTEXT, attempt: 1 })).toEqual(ENV);
  });

  it('produces plain JSON (no undefined, no functions)', () => {
    expect(JSON.parse(JSON.stringify(ENV))).toEqual(ENV);
  });

  it('uses real id formats', () => {
    expect(out('network', 'vpc_id')).toMatch(/^vpc-[0-9a-f]{17}$/);
    for (const id of [
      ...(out('network', 'public_subnet_ids') as string[]),
      ...(out('network', 'private_subnet_ids') as string[]),
    ]) {
      expect(id).toMatch(/^subnet-[0-9a-f]{17}$/);
    }
    expect(out('network', 'internet_gateway_id')).toMatch(/^igw-[0-9a-f]{17}$/);
    expect((out('network', 'nat_gateway_ids') as string[])[0]).toMatch(/^nat-[0-9a-f]{17}$/);
    expect(out('network', 'public_route_table_id')).toMatch(/^rtb-[0-9a-f]{17}$/);
    for (const key of ['alb_security_group_id', 'app_security_group_id', 'database_security_group_id']) {
      expect(out('security', key)).toMatch(/^sg-[0-9a-f]{17}$/);
    }
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(out('security', 'kms_key_id')).toMatch(uuid);
    expect(out('dns', 'hosted_zone_id')).toMatch(/^Z[0-9A-Z]{13,21}$/);
    expect(out('dns', 'certificate_arn')).toMatch(
      /^arn:aws:acm:eu-west-1:123456789012:certificate\/[0-9a-f-]{36}$/,
    );
    expect(String(out('dns', 'certificate_arn')).split('/')[1]).toMatch(uuid);
    for (const ns of out('dns', 'name_servers') as string[]) {
      expect(ns).toMatch(/^ns-\d{1,4}\.awsdns-\d{2}\.(com|net|org|co\.uk)$/);
    }
    expect(out('authentication', 'user_pool_id')).toMatch(/^eu-west-1_[0-9A-Za-z]{9}$/);
    expect(out('authentication', 'user_pool_client_id')).toMatch(/^[0-9a-z]{26}$/);
    expect(out('secrets', 'app_secret_arn')).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:[\w/+=.@-]+-[0-9A-Za-z]{6}$/,
    );
    expect(out('compute-ec2', 'instance_id')).toMatch(/^i-[0-9a-f]{17}$/);
    expect(out('compute-ec2', 'ami_id')).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(out('monitoring', 'flow_log_id')).toMatch(/^fl-[0-9a-f]{17}$/);
  });

  it('names S3 buckets DNS-safely, with the environment name and a short hash', () => {
    const bucket = String(out('storage', 'bucket_name'));

    expect(bucket).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    expect(bucket).toMatch(/^preview-pr-123-assets-[0-9a-f]{6}$/);
    expect(out('storage', 'bucket_arn')).toBe(`arn:aws:s3:::${bucket}`);
  });

  it('gives the database a real endpoint and the engine port', () => {
    const identifier = String(out('database-rds', 'db_instance_identifier'));

    expect(out('database-rds', 'endpoint')).toMatch(
      new RegExp(`^${identifier}\\.[0-9a-z]{12}\\.eu-west-1\\.rds\\.amazonaws\\.com$`),
    );
    expect(out('database-rds', 'port')).toBe(5432);
    expect(resource('database-rds', 'DbInstance').id).toMatch(/^db-[0-9A-Z]{26}$/);
    expect(resource('database-rds', 'DbInstance').arn).toBe(
      `arn:aws:rds:eu-west-1:123456789012:db:${identifier}`,
    );

    const mysql = simulateStack(
      'database-rds',
      { ...CONTEXT, parameters: { ...PARAMETERS, db_engine: 'mysql' } },
      { network: stackOf('network').outputs, security: stackOf('security').outputs },
    );
    expect(mysql.outputs.port).toBe(3306);
    expect(mysql.outputs.engine).toBe('mysql');
  });

  it('builds service endpoints in their real formats', () => {
    expect(out('services-ecr', 'api_repository_uri')).toMatch(
      /^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/[a-z0-9._/-]+$/,
    );
    expect(out('services-eks', 'cluster_endpoint')).toMatch(
      /^https:\/\/[0-9A-F]{32}\.gr7\.eu-west-1\.eks\.amazonaws\.com$/,
    );
    expect(out('containers-apps', 'load_balancer_dns_name')).toMatch(
      /^[a-z0-9-]{1,32}-\d+\.eu-west-1\.elb\.amazonaws\.com$/,
    );
    expect(out('services-api', 'api_id')).toMatch(/^[0-9a-z]{10}$/);
    expect(out('services-api', 'api_endpoint')).toBe(
      `https://${String(out('services-api', 'api_id'))}.execute-api.eu-west-1.amazonaws.com/prod`,
    );
    expect(out('compute-lambda', 'function_arn')).toMatch(
      /^arn:aws:lambda:eu-west-1:123456789012:function:[a-zA-Z0-9-_]{1,64}$/,
    );
    expect(out('monitoring', 'alarm_topic_arn')).toMatch(/^arn:aws:sns:eu-west-1:123456789012:[\w-]{1,256}$/);
    expect(out('monitoring', 'log_group_name')).toMatch(/^\/vpc\//);
  });

  it('puts every ARN in the environment account and region, in each service’s format', () => {
    const arns = Object.values(ENV).flatMap((s) => s.resources.map((r) => r.arn).filter((a) => a !== ''));

    expect(arns.length).toBeGreaterThan(60);
    for (const arn of arns) {
      if (arn.startsWith('arn:aws:s3:::') || arn.startsWith('arn:aws:route53:::hostedzone/')) continue;
      if (arn.startsWith('arn:aws:iam::')) {
        expect(arn).toMatch(/^arn:aws:iam::123456789012:(role|instance-profile|oidc-provider)\//);
      } else if (arn.startsWith('arn:aws:cloudwatch::')) {
        expect(arn).toMatch(/^arn:aws:cloudwatch::123456789012:dashboard\//);
      } else if (arn.startsWith('arn:aws:apigateway:')) {
        expect(arn).toMatch(/^arn:aws:apigateway:eu-west-1::\/restapis\//);
      } else {
        expect(arn).toMatch(/^arn:aws:[a-z0-9-]+:eu-west-1:123456789012:.+/);
      }
    }
    expect(resource('dns', 'HostedZone').arn).toMatch(/^arn:aws:route53:::hostedzone\/Z/);
  });

  it('carves the subnets from the VPC CIDR across the region’s availability zones', () => {
    const context = {
      ...CONTEXT,
      region: 'ap-southeast-2',
      parameters: { ...PARAMETERS, vpc_cidr: '10.42.0.0/16' },
    };

    const network = simulateStack('network', context, {});

    expect(network.outputs.availability_zones).toEqual([
      'ap-southeast-2a',
      'ap-southeast-2b',
      'ap-southeast-2c',
    ]);
    expect(network.outputs.public_subnet_cidrs).toEqual(['10.42.0.0/24', '10.42.1.0/24', '10.42.2.0/24']);
    expect(network.outputs.private_subnet_cidrs).toEqual(['10.42.16.0/20', '10.42.32.0/20', '10.42.48.0/20']);
    const subnets = network.resources.filter((r) => r.type === 'AWS::EC2::Subnet');
    expect(subnets.map((r) => r.properties.AvailabilityZone)).toEqual([
      'ap-southeast-2a',
      'ap-southeast-2b',
      'ap-southeast-2c',
      'ap-southeast-2a',
      'ap-southeast-2b',
      'ap-southeast-2c',
    ]);
    expect(subnets.every((r) => r.properties.VpcId === network.outputs.vpc_id)).toBe(true);
  });

  it('places private IPs inside the VPC and their subnet', () => {
    const ip = String(out('compute-ec2', 'private_ip'));
    const subnetIndex = (out('network', 'private_subnet_ids') as string[]).indexOf(
      String(out('compute-ec2', 'subnet_id')),
    );

    expect(ipInCidr(ip, PARAMETERS.vpc_cidr)).toBe(true);
    expect(ipInCidr(ip, (out('network', 'private_subnet_cidrs') as string[])[subnetIndex] as string)).toBe(
      true,
    );
    expect(out('compute-ec2', 'private_dns_name')).toBe(
      `ip-${ip.replaceAll('.', '-')}.eu-west-1.compute.internal`,
    );
    expect(ipInCidr(String(resource('network', 'NatGateway').properties.PrivateIp), '10.0.0.0/24')).toBe(
      true,
    );
  });

  it('property: private IPs stay inside any VPC CIDR the parameters allow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.string({ minLength: 1, maxLength: 12 }),
        (octet, id) => {
          const vpc_cidr = `10.${octet}.0.0/16`;
          const context = { ...CONTEXT, environmentId: id, parameters: { ...PARAMETERS, vpc_cidr } };
          const network = simulateStack('network', context, {});
          const security = simulateStack('security', context, { network: network.outputs });

          const ec2 = simulateStack('compute-ec2', context, {
            network: network.outputs,
            security: security.outputs,
          });

          expect(ipInCidr(String(ec2.outputs.private_ip), vpc_cidr)).toBe(true);
          expect(ipInCidr(String(ec2.outputs.private_ip), vpc_cidr.replace('0.0/16', '0.0/18'))).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('makes dependants consume their dependencies’ outputs', () => {
    // security groups live in network's VPC
    for (const id of ['AlbSecurityGroup', 'AppSecurityGroup', 'DatabaseSecurityGroup']) {
      expect(resource('security', id).properties.VpcId).toBe(out('network', 'vpc_id'));
    }
    // the database uses exactly the private subnets, the database security group and the key
    expect(resource('database-rds', 'DbSubnetGroup').properties.SubnetIds).toEqual(
      out('network', 'private_subnet_ids'),
    );
    expect(resource('database-rds', 'DbInstance').properties.VPCSecurityGroups).toEqual([
      out('security', 'database_security_group_id'),
    ]);
    expect(resource('database-rds', 'DbInstance').properties.KmsKeyId).toBe(out('security', 'kms_key_arn'));
    // the database security group opens the engine's port to the app security group only
    expect(resource('security', 'DatabaseSecurityGroup').properties.SecurityGroupIngress).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        SourceSecurityGroupId: out('security', 'app_security_group_id'),
      },
    ]);
    // the API function connects to the database
    expect(resource('services-api', 'Function').properties.Environment).toEqual({
      Variables: {
        DB_HOST: out('database-rds', 'endpoint'),
        DB_PORT: '5432',
        DB_NAME: out('database-rds', 'db_name'),
        DB_SECRET_ARN: out('database-rds', 'master_user_secret_arn'),
      },
    });
    // the web app runs the built image and uses the assets bucket
    const container = (
      resource('containers-apps', 'WebTaskDefinition').properties.ContainerDefinitions as {
        Image: string;
        Environment: unknown[];
      }[]
    )[0];
    expect(container?.Image).toBe(out('containers-images', 'image_uri'));
    expect(String(container?.Image).startsWith(String(out('containers-images', 'repository_uri')))).toBe(
      true,
    );
    expect(container?.Environment).toContainEqual({
      Name: 'ASSETS_BUCKET',
      Value: out('storage', 'bucket_name'),
    });
    expect(resource('containers-apps', 'LoadBalancer').properties.Subnets).toEqual(
      out('network', 'public_subnet_ids'),
    );
    // storage is encrypted with security's key; dns's private zone is in the VPC
    expect(out('storage', 'kms_key_arn')).toBe(out('security', 'kms_key_arn'));
    expect(resource('dns', 'PrivateHostedZone').properties.VPCs).toEqual([
      { VPCId: out('network', 'vpc_id'), VPCRegion: 'eu-west-1' },
    ]);
    // monitoring watches network's VPC and NAT gateway
    expect(resource('monitoring', 'VpcFlowLog').properties.ResourceId).toBe(out('network', 'vpc_id'));
    // images are built against the user pool; ECS services run the services-ecr images
    expect(JSON.stringify(resource('containers-images', 'BuildProject').properties)).toContain(
      String(out('authentication', 'user_pool_id')),
    );
    expect(JSON.stringify(resource('services-ecs', 'ApiTaskDefinition').properties)).toContain(
      `${String(out('services-ecr', 'api_repository_uri'))}:latest`,
    );
    expect(resource('authentication', 'UserPoolWebAclAssociation').properties.WebACLArn).toBe(
      out('security', 'web_acl_arn'),
    );
  });

  it('names the missing dependency output', () => {
    const network = stackOf('network').outputs;
    const { private_subnet_ids: _, ...withoutSubnets } = network;

    expect(() =>
      simulateStack('database-rds', CONTEXT, {
        network: withoutSubnets,
        security: stackOf('security').outputs,
      }),
    ).toThrow('Stack database-rds needs output private_subnet_ids of stack network, which is missing');
    expect(() => simulateStack('security', CONTEXT, {})).toThrow('needs output vpc_id of stack network');
    expect(() =>
      simulateStack('services-api', CONTEXT, { network, security: stackOf('security').outputs }),
    ).toThrow('of stack database-rds');
  });

  it('rejects an unknown stack', () => {
    expect(() => simulateStack('ghost', CONTEXT, {})).toThrow('Unknown stack: ghost');
  });

  it('costs each resource as the catalog does, and the stack as the estimate does', () => {
    for (const [name, stack] of Object.entries(ENV)) {
      expect(stack.monthlyCostUsd).toBe(estimateStackMonthlyCost(name, PARAMETERS));
    }
    expect(resource('network', 'NatGateway').monthly_cost_usd).toBe(32.85);
    expect(resource('containers-apps', 'LoadBalancer').monthly_cost_usd).toBe(16.43);
    expect(resource('services-eks', 'Cluster').monthly_cost_usd).toBe(73);
    expect(resource('database-rds', 'DbInstance').monthly_cost_usd).toBe(14.71); // 12.41 + 20 × 0.115
    expect(resource('dns', 'HostedZone').monthly_cost_usd).toBe(0.5);
    expect(resource('security', 'EncryptionKey').monthly_cost_usd).toBe(1);
    expect(resource('secrets', 'AppConfigSecret').monthly_cost_usd).toBe(0.4);
    expect(resource('network', 'Vpc').monthly_cost_usd).toBe(0);
  });

  it('simulates the minimal template with only its own stacks', () => {
    const minimal = simulateTemplate(CONTEXT, 'minimal');

    expect(Object.keys(minimal)).toHaveLength(8);
    expect(minimal['database-rds']).toEqual(ENV['database-rds']);
  });

  it('keeps generated names within AWS limits for the longest environment names', () => {
    const longName = `${'a'.repeat(38)}-1`;
    const context = {
      ...CONTEXT,
      environmentName: longName,
      parameters: { ...PARAMETERS, domain: 'x.example.dev' },
    };
    const env = simulateTemplate(context);

    expect(String(env.storage?.outputs.bucket_name).length).toBeLessThanOrEqual(63);
    expect(
      String(env['containers-apps']?.resources.find((r) => r.logical_id === 'LoadBalancer')?.properties.Name)
        .length,
    ).toBeLessThanOrEqual(32);
    expect(String(env['database-rds']?.outputs.db_instance_identifier).length).toBeLessThanOrEqual(63);
    expect(String(env['compute-lambda']?.outputs.function_name).length).toBeLessThanOrEqual(64);
    for (const stack of Object.values(env)) {
      for (const r of stack.resources.filter((res) => res.type === 'AWS::IAM::Role')) {
        expect(String(r.properties.RoleName).length).toBeLessThanOrEqual(64);
      }
    }
  });
});

describe('simulatedDurationSeconds', () => {
  it('stays within the stack’s range, in whole seconds', () => {
    for (const name of STACK_NAMES) {
      const definition = STACK_CATALOG[name];
      for (const kind of ['provision', 'destroy'] as const) {
        const range = kind === 'provision' ? definition?.durationSeconds : definition?.destroyDurationSeconds;

        const seconds = simulatedDurationSeconds(name, CONTEXT, kind);

        expect(Number.isInteger(seconds)).toBe(true);
        expect(seconds).toBeGreaterThanOrEqual(range?.min ?? Number.NaN);
        expect(seconds).toBeLessThanOrEqual(range?.max ?? Number.NaN);
      }
    }
  });

  it('is deterministic per environment, stack, kind and attempt', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `env_${i}`);
    const first = ids.map((environmentId) =>
      simulatedDurationSeconds('database-rds', { environmentId }, 'provision'),
    );

    expect(
      ids.map((environmentId) =>
        simulatedDurationSeconds('database-rds', { environmentId, attempt: 1 }, 'provision'),
      ),
    ).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
    const retries = ids.map((environmentId) =>
      simulatedDurationSeconds('database-rds', { environmentId, attempt: 2 }, 'provision'),
    );
    expect(retries).not.toEqual(first);
  });

  it('rejects an unknown stack', () => {
    expect(() => simulatedDurationSeconds('ghost', CONTEXT, 'provision')).toThrow('Unknown stack: ghost');
  });
});
