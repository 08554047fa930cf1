/**
 * `POST /validate/aws`: an account and region's readiness (opt-in regions, service access, quotas).
 * Pure: the only outside fact (how many VPCs an account already uses in a region) comes in
 * through a function the caller passes.
 */

import { ACCOUNT_ID_PATTERN } from '../aws.ts';
import { getStackDefinition } from '../stacks/registry.ts';
import { getTemplate } from '../templates.ts';
import type { AwsCheckValue, AwsValidationValue, ValidateAwsInput } from '../validation-documents.ts';
import type { AwsCheckStatusValue } from '../vocabulary.ts';
import { byName, isRegion, parameterWarnings, parseParameters, templateNames } from './checks.ts';

// ---------------------------------------------------------------- validate/aws

/** How many VPCs an account already uses in a region (live environments with a `network` stack). */
export type VpcUsageReader = (accountId: string, region: string) => Promise<number>;

/**
 * Service quotas the check reports (AWS defaults). VPCs are counted by the platform; each
 * `network` stack also holds one Elastic IP and one NAT gateway, so those usages are the
 * same count (NAT gateways are limited per availability zone in AWS; counting them per
 * region is the conservative reading). The others are static: the simulation does not
 * track them.
 */
export const QUOTA_LIMITS = {
  vpcs: 5,
  elastic_ips: 5,
  nat_gateways: 5,
  rds_instances: 40,
  eks_clusters: 100,
} as const;

/**
 * Simulated permission failures: the provisioning role of an account whose id starts with
 * this prefix may not create IAM roles, so `permissions` fails (every other account passes).
 */
export const DENIED_ACCOUNT_PREFIX = '000';

/** Regions that must be enabled in an account before use (launched after March 2019). */
export const OPT_IN_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-west-1',
  'eu-central-2',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
];

/** IAM service prefixes of the CloudFormation namespaces the catalog uses (default: lowercased). */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  CertificateManager: 'acm',
  Cognito: 'cognito-idp',
  ElasticLoadBalancingV2: 'elasticloadbalancing',
};

/** The IAM service prefixes a set of stacks needs, sorted. */
export function requiredServices(stacks: readonly string[]): string[] {
  const services = new Set<string>(['cloudformation']);
  for (const stack of stacks) {
    for (const type of getStackDefinition(stack)?.resourceTypes ?? []) {
      const namespace = type.split('::')[1] ?? '';
      services.add(IAM_PREFIX[namespace] ?? namespace.toLowerCase());
    }
  }
  return [...services].sort(byName);
}

const check = (
  name: string,
  status: AwsCheckStatusValue,
  message: string,
  extra: Pick<AwsCheckValue, 'limit' | 'usage' | 'required'> = {},
): AwsCheckValue => ({ name, status, message, ...extra });

/** pass / warn (the last one) / fail (over the limit), for `required` more on top of `usage`. */
function quotaCheck(
  name: string,
  noun: string,
  scope: string,
  limit: number,
  usage: number,
  required: number,
): AwsCheckValue {
  const extra = { limit, usage, required };
  const inUse = `${usage} of ${limit} ${noun} in use ${scope}`;
  if (required === 0) return check(name, 'pass', `${inUse}; this template needs none`, extra);
  if (usage + required > limit) {
    return check(
      name,
      'fail',
      `${inUse}: no room for the ${required} this template needs; destroy an environment first`,
      extra,
    );
  }
  if (usage + required === limit) {
    return check(name, 'warn', `${inUse}: this environment would take the last one`, extra);
  }
  return check(name, 'pass', `${inUse}; this template needs ${required}`, extra);
}

function staticQuotaCheck(name: string, noun: string, scope: string, limit: number): AwsCheckValue {
  return check(
    name,
    'pass',
    `needs 1 of the ${limit} ${noun} allowed ${scope} (usage is not tracked by the simulation)`,
    { limit, required: 1 },
  );
}

/**
 * Simulated pre-flight checks of an AWS target: account id format, region, template,
 * parameters, credentials, permissions (see {@link DENIED_ACCOUNT_PREFIX}) and quotas with
 * current usage. Checks that need a valid account and region (credentials, permissions,
 * quotas) run only when both are valid; quotas also need a known template.
 * `valid` is false when any check fails; warnings do not invalidate.
 */
export async function validateAws(
  input: ValidateAwsInput,
  readVpcUsage: VpcUsageReader,
): Promise<AwsValidationValue> {
  const checks: AwsCheckValue[] = [];
  const { account_id: accountId, region } = input;

  const accountOk = ACCOUNT_ID_PATTERN.test(accountId);
  checks.push(
    accountOk
      ? check('account_id_format', 'pass', `${accountId} is a 12-digit AWS account id`)
      : check('account_id_format', 'fail', `'${accountId}' is not a 12-digit AWS account id`),
  );

  const regionOk = isRegion(region);
  if (!regionOk) {
    checks.push(check('region', 'fail', `'${region}' is not a commercial AWS region (e.g. us-east-1)`));
  } else if (OPT_IN_REGIONS.includes(region)) {
    checks.push(
      check('region', 'warn', `${region} is an opt-in region: it must be enabled in the account before use`),
    );
  } else {
    checks.push(check('region', 'pass', `${region} is a commercial AWS region`));
  }

  const template = getTemplate(input.template);
  checks.push(
    template
      ? check(
          'template',
          'pass',
          `template '${template.name}' v${template.version}: ${template.stacks.length} stacks in ${template.layers.length} layers`,
        )
      : check('template', 'fail', `unknown template '${input.template}'; available: ${templateNames()}`),
  );
  const stacks = template ? template.stacks.map((s) => s.name) : [];

  const parameters = parseParameters(input.parameters);
  if (!parameters.ok) {
    checks.push(
      check('parameters', 'fail', parameters.errors.map((e) => `${e.field}: ${e.message}`).join('; ')),
    );
  } else {
    const warnings = parameterWarnings(parameters.value, template ? stacks : undefined);
    if (warnings.length > 0) {
      checks.push(check('parameters', 'warn', warnings.map((w) => `${w.field}: ${w.message}`).join('; ')));
    } else {
      checks.push(
        check(
          'parameters',
          'pass',
          input.parameters === undefined
            ? 'no parameters given: the defaults apply'
            : 'the parameters are valid',
        ),
      );
    }
  }

  if (!accountOk || !regionOk) return { valid: false, checks };

  const role = `arn:aws:iam::${accountId}:role/environment-provisioner`;
  checks.push(check('credentials', 'pass', `assumed ${role} (simulated)`));
  if (accountId.startsWith(DENIED_ACCOUNT_PREFIX)) {
    checks.push(
      check(
        'permissions',
        'fail',
        `iam:CreateRole denied for ${role} (simulated: accounts whose id starts with ${DENIED_ACCOUNT_PREFIX} lack IAM permissions)`,
      ),
    );
  } else {
    const services = requiredServices(stacks);
    checks.push(
      check(
        'permissions',
        'pass',
        `${role} may create what the template needs in: ${services.join(', ')} (simulated)`,
      ),
    );
  }

  if (template) {
    const usage = await readVpcUsage(accountId, region);
    const networks = stacks.includes('network') ? 1 : 0;
    const scope = `in ${accountId} ${region}`;
    checks.push(quotaCheck('quota:vpcs', 'VPCs', scope, QUOTA_LIMITS.vpcs, usage, networks));
    checks.push(
      quotaCheck('quota:elastic_ips', 'Elastic IPs', scope, QUOTA_LIMITS.elastic_ips, usage, networks),
    );
    checks.push(
      quotaCheck('quota:nat_gateways', 'NAT gateways', scope, QUOTA_LIMITS.nat_gateways, usage, networks),
    );
    if (stacks.includes('database-rds')) {
      checks.push(staticQuotaCheck('quota:rds_instances', 'DB instances', scope, QUOTA_LIMITS.rds_instances));
    }
    if (stacks.includes('services-eks')) {
      checks.push(staticQuotaCheck('quota:eks_clusters', 'EKS clusters', scope, QUOTA_LIMITS.eks_clusters));
    }
  }

  return { valid: !checks.some((c) => c.status === 'fail'), checks };
}
