/**
 * Ids, ARNs, names and tags in real AWS formats, in the environment's account and region.
 * Random parts come from the stack's seeded generator, so every call that draws is part
 * of the builder's draw order.
 */
import { type Rng, UPPER_ALNUM } from '../random.ts';
import type { BuildContext } from './kind.ts';

export const arnOf = (s: BuildContext, service: string, resource: string): string =>
  `arn:aws:${service}:${s.region}:${s.account}:${resource}`;
export const iamArn = (s: BuildContext, resource: string): string => `arn:aws:iam::${s.account}:${resource}`;
export const ec2Arn = (s: BuildContext, kind: string, id: string): string => arnOf(s, 'ec2', `${kind}/${id}`);

/** An EC2 id such as `vpc-0123456789abcdef0`: a prefix and 17 hex digits. */
export const ec2Id = (s: BuildContext, prefix: string): string => `${prefix}-${s.rng.hex(17)}`;

export const hostedZoneId = (rng: Rng): string => `Z0${rng.string(UPPER_ALNUM, 19)}`;

/** `value` cut to `max` characters, without a trailing hyphen. */
export function trunc(value: string, max: number): string {
  return value.slice(0, max).replace(/-+$/, '');
}

/** A name of at most `max` characters: the environment name cut to fit, the short hash, a suffix. */
export function fitName(s: BuildContext, suffix: string, max: number): string {
  return `${trunc(s.env, max - s.short.length - suffix.length - 2)}-${s.short}-${suffix}`;
}

export const tags = (s: BuildContext, name: string): { Key: string; Value: string }[] => [
  { Key: 'Name', Value: name },
  { Key: 'environment', Value: s.env },
  { Key: 'stack', Value: s.stack },
];

/** The environment name as a DNS label (it normally is one already: see EnvironmentName in names.ts). */
export function envLabel(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
  return label === '' ? 'env' : label;
}
