/**
 * Prices of the resources the stacks create, and the helpers that turn them into monthly
 * costs.
 *
 * Costs are on-demand list prices in us-east-1 (730 hours a month), for the resources
 * that bill by the hour or by the month; usage-billed resources (Lambda, API Gateway,
 * S3 requests, log ingestion…) are 0 because an idle environment costs nothing there.
 * Regional price differences are ignored: this is an estimate.
 */
import type { ResolvedParameters } from './parameters.ts';

export const HOURS_PER_MONTH = 730;

/** Unit prices (USD, us-east-1). */
export const PRICES = {
  natGatewayHour: 0.045,
  publicIpv4Hour: 0.005,
  albHour: 0.0225,
  eksControlPlaneHour: 0.1,
  ec2Hour: { 't3.micro': 0.0104, 't4g.micro': 0.0084 },
  rdsHour: { 'db.t3.micro': 0.017, 'db.t4g.micro': 0.016 },
  rdsGp3GbMonth: 0.115,
  /** Fargate, Linux/x86, per vCPU-hour and per GB-hour. */
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  hostedZoneMonth: 0.5,
  kmsKeyMonth: 1,
  secretMonth: 0.4,
  wafWebAclMonth: 5,
  wafRuleMonth: 1,
  dashboardMonth: 3,
  alarmMonth: 0.1,
} as const;

/** A Fargate task of 0.25 vCPU and 0.5 GB, running all month. */
export const FARGATE_SMALL_TASK_MONTH =
  (0.25 * PRICES.fargateVcpuHour + 0.5 * PRICES.fargateGbHour) * HOURS_PER_MONTH;

export const instanceMonthlyCost = (p: ResolvedParameters): number =>
  PRICES.ec2Hour[p.instance_type] * HOURS_PER_MONTH;

/** The monthly cost of a resource that bills only by usage. */
export const free = (): number => 0;

/** The monthly cost of a resource whose price does not depend on the parameters. */
export const monthly = (usd: number) => (): number => usd;

/** Costs are shown in cents: each resource's cost is rounded, then their sums. */
export const roundCents = (usd: number): number => Math.round(usd * 100) / 100;
