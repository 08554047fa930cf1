/**
 * The registry of stack kinds: the 16 kinds, in the order DESIGN.md lists them (catalog
 * order, which STACK_NAMES and the "known stacks" of error messages follow). Adding a kind
 * is one module in this folder and one line per list here (its import, its definition, its
 * builder); the type of BUILDERS makes the compiler ask for the last one. The catalog, the
 * templates, validation and the simulation all read these lists.
 */
import * as authentication from './authentication.ts';
import * as computeEc2 from './compute-ec2.ts';
import * as computeLambda from './compute-lambda.ts';
import * as containersApps from './containers-apps.ts';
import * as containersImages from './containers-images.ts';
import * as databaseRds from './database-rds.ts';
import * as dns from './dns.ts';
import type { StackBuilder, StackDefinition } from './kind.ts';
import * as monitoring from './monitoring.ts';
import * as network from './network.ts';
import * as secrets from './secrets.ts';
import * as security from './security.ts';
import * as servicesApi from './services-api.ts';
import * as servicesEcr from './services-ecr.ts';
import * as servicesEcs from './services-ecs.ts';
import * as servicesEks from './services-eks.ts';
import * as storage from './storage.ts';

const DEFINITIONS = [
  network.definition,
  security.definition,
  dns.definition,
  secrets.definition,
  authentication.definition,
  storage.definition,
  databaseRds.definition,
  containersImages.definition,
  containersApps.definition,
  servicesEcr.definition,
  servicesEcs.definition,
  servicesEks.definition,
  servicesApi.definition,
  computeEc2.definition,
  computeLambda.definition,
  monitoring.definition,
] as const;

/** The name of a stack kind: `'network' | 'security' | … | 'monitoring'`. */
export type StackName = (typeof DEFINITIONS)[number]['name'];

/**
 * Each kind's builder. A plain object apart from the definitions, so that a bundle that
 * never simulates (the catalog and most API functions) drops it and every builder with it.
 */
const BUILDERS: { readonly [Name in StackName]: StackBuilder } = {
  network: network.build,
  security: security.build,
  dns: dns.build,
  secrets: secrets.build,
  authentication: authentication.build,
  storage: storage.build,
  'database-rds': databaseRds.build,
  'containers-images': containersImages.build,
  'containers-apps': containersApps.build,
  'services-ecr': servicesEcr.build,
  'services-ecs': servicesEcs.build,
  'services-eks': servicesEks.build,
  'services-api': servicesApi.build,
  'compute-ec2': computeEc2.build,
  'compute-lambda': computeLambda.build,
  monitoring: monitoring.build,
};

/**
 * Every kind's definition by name. Keyed by plain strings: callers look up names that come
 * from requests and stored records, and must handle an unknown one.
 */
export const STACK_CATALOG: Readonly<Record<string, StackDefinition>> = Object.freeze(
  Object.fromEntries(DEFINITIONS.map((definition) => [definition.name, definition])),
);

/** Names of the stacks in the catalog, in catalog order. */
export const STACK_NAMES: readonly StackName[] = Object.freeze(
  DEFINITIONS.map((definition) => definition.name),
);

/** The catalog entry of a stack, or undefined for an unknown name. */
export function getStackDefinition(name: string): StackDefinition | undefined {
  return Object.hasOwn(STACK_CATALOG, name) ? STACK_CATALOG[name] : undefined;
}

/** The builder of a stack, or undefined for an unknown name. */
export function getStackBuilder(name: string): StackBuilder | undefined {
  return Object.hasOwn(BUILDERS, name) ? BUILDERS[name as StackName] : undefined;
}
