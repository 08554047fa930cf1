/** Shorthands for the resource specs of stack definitions. */
import { free } from '../prices.ts';
import type { ResourceSpec } from './kind.ts';

export function spec(
  logicalId: string,
  type: string,
  description: string,
  monthlyCostUsd: ResourceSpec['monthlyCostUsd'] = free,
): ResourceSpec {
  return { logicalId, type, description, monthlyCostUsd };
}

/** Availability zones used per region (see `availabilityZones` in aws.ts). */
const AZ_COUNT = 3;

/** One resource per availability zone: `<prefix>1` to `<prefix>3`. */
export const perAz = (prefix: string, type: string, description: string): ResourceSpec[] =>
  Array.from({ length: AZ_COUNT }, (_, i) =>
    spec(`${prefix}${i + 1}`, type, `${description} in AZ ${i + 1}`),
  );

export const roleSpec = (logicalId: string, description: string): ResourceSpec =>
  spec(logicalId, 'AWS::IAM::Role', description);

export const logGroupSpec = (logicalId: string, description: string): ResourceSpec =>
  spec(logicalId, 'AWS::Logs::LogGroup', description);
