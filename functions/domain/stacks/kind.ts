/**
 * What a stack kind is. Each kind lives in one module of this folder and holds both halves
 * of itself: `definition` (what the catalog, templates, plans and cost estimates read) and
 * `build` (what the simulation runs to "provision" it). They are two exports, not one
 * object, so that a bundle that only reads the catalog leaves the builders out (esbuild
 * drops unused exports, never unused properties). The registry (registry.ts) lists them.
 */

import type { ResolvedParameters } from '../parameters.ts';
import type { Rng } from '../random.ts';

/** One CloudFormation resource a stack creates. */
export interface ResourceSpec {
  /** Logical id in the stack, e.g. `PrivateSubnet1`. */
  logicalId: string;
  /** CloudFormation type, e.g. `AWS::EC2::Subnet`. */
  type: string;
  description: string;
  /** Monthly cost in USD with these parameters (not rounded). */
  monthlyCostUsd: (parameters: ResolvedParameters) => number;
}

export interface StackDefinition {
  name: string;
  description: string;
  dependsOn: readonly string[];
  /** Provisioning time in seconds, real-world-ish. */
  durationSeconds: { min: number; max: number };
  destroyDurationSeconds: { min: number; max: number };
  /** Every resource the stack creates, in creation order. */
  resources: readonly ResourceSpec[];
  /** The output keys the stack exports (what dependants may consume). */
  outputs: readonly string[];
  /** The distinct CloudFormation types of `resources`, in first-use order. */
  resourceTypes: readonly string[];
}

/** Each dependency stack's outputs, by stack name. */
export type DependencyOutputs = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** Everything a builder may read: one stack of one environment, and its random draws. */
export interface BuildContext {
  stack: string;
  /**
   * Seeded per (environment id, stack, attempt). The order of the draws defines every
   * generated id, so a builder must draw in the same order for the same inputs.
   */
  rng: Rng;
  region: string;
  account: string;
  params: ResolvedParameters;
  azs: string[];
  /** The environment name as a DNS label. */
  env: string;
  /** 6 hex digits from the environment id: keeps names unique across projects. */
  short: string;
  /** `<env>-<short>`: the prefix of account-unique names. */
  stem: string;
  deps: DependencyOutputs;
}

/** A simulated resource, before the simulation adds its type, logical id and cost from the definition. */
export interface BuiltResource {
  id: string;
  arn: string;
  properties: Record<string, unknown>;
}

/** What a builder returns: its resources by logical id (one per ResourceSpec), and its outputs. */
export interface Built {
  resources: Record<string, BuiltResource>;
  outputs: Record<string, unknown>;
}

/** Simulates one stack: reads the context, draws from its generator, returns what it built. */
export type StackBuilder = (s: BuildContext) => Built;

/**
 * A stack definition as written in a kind's module, completed with `resourceTypes` and
 * frozen (the catalog hands the same objects to every caller). `name` keeps its literal
 * type: the registry derives StackName from it.
 */
export function defineStack<const Name extends string>(
  definition: Omit<StackDefinition, 'name' | 'resourceTypes'> & { name: Name },
): StackDefinition & { readonly name: Name } {
  // The key order the catalog has always had, so a serialised definition reads the same.
  return Object.freeze({
    name: definition.name,
    description: definition.description,
    dependsOn: definition.dependsOn,
    durationSeconds: definition.durationSeconds,
    destroyDurationSeconds: definition.destroyDurationSeconds,
    resources: definition.resources,
    outputs: definition.outputs,
    resourceTypes: [...new Set(definition.resources.map((r) => r.type))],
  });
}
