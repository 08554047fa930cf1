/**
 * Simulated provisioning of one stack: the resources it would create (ids and ARNs in
 * real AWS formats, in the environment's account and region) and the outputs it exports,
 * built from its dependencies' outputs. Deterministic: the same (environment id, stack,
 * attempt, parameters, dependency outputs) give byte-identical results.
 *
 * Everything returned is plain JSON (no undefined values), ready to be stored. What each
 * kind creates is in its module under stacks/; this module seeds the builder, checks what
 * it built against the kind's definition and prices it.
 */
import { availabilityZones } from './aws.ts';
import type { SimulatedResource } from './model.ts';
import type { ResolvedParameters } from './parameters.ts';
import { roundCents } from './prices.ts';
import { createRng, hashHex } from './random.ts';
import type { BuildContext, DependencyOutputs } from './stacks/kind.ts';
import { envLabel } from './stacks/naming.ts';
import { getStackBuilder, getStackDefinition } from './stacks/registry.ts';

export interface SimulationContext {
  environmentId: string;
  environmentName: string;
  region: string;
  accountId: string;
  parameters: ResolvedParameters;
  /** 1 for the first run; part of the seed so a retry can differ */
  attempt?: number;
}

export interface SimulatedStack {
  resources: SimulatedResource[];
  outputs: Record<string, unknown>;
  monthlyCostUsd: number;
}

/**
 * Simulates provisioning `stack`. Deterministic for (environmentId, stack, attempt) and the
 * other inputs: the same inputs give byte-identical results. `dependencyOutputs` maps each
 * dependency stack name to its outputs; throws a plain Error naming the missing dependency
 * output if one the stack needs is absent, or for an unknown stack.
 */
export function simulateStack(
  stack: string,
  context: SimulationContext,
  dependencyOutputs: DependencyOutputs,
): SimulatedStack {
  const definition = getStackDefinition(stack);
  const builder = getStackBuilder(stack);
  if (!definition || !builder) throw new Error(`Unknown stack: ${stack}`);
  const env = envLabel(context.environmentName);
  const short = hashHex(context.environmentId, 6);
  const sim: BuildContext = {
    stack,
    rng: createRng(`${context.environmentId}|${stack}|${context.attempt ?? 1}`),
    region: context.region,
    account: context.accountId,
    params: context.parameters,
    azs: availabilityZones(context.region),
    env,
    short,
    stem: `${env}-${short}`,
    deps: dependencyOutputs,
  };
  const built = builder(sim);
  const builtIds = Object.keys(built.resources);
  if (builtIds.length !== definition.resources.length) {
    throw new Error(`Simulation of ${stack} does not match its catalog entry`);
  }
  const resources = definition.resources.map((spec): SimulatedResource => {
    const resource = Object.hasOwn(built.resources, spec.logicalId)
      ? built.resources[spec.logicalId]
      : undefined;
    if (!resource) throw new Error(`Simulation of ${stack} does not create ${spec.logicalId}`);
    return {
      type: spec.type,
      logical_id: spec.logicalId,
      id: resource.id,
      arn: resource.arn,
      properties: resource.properties,
      monthly_cost_usd: roundCents(spec.monthlyCostUsd(context.parameters)),
    };
  });
  return {
    resources,
    outputs: built.outputs,
    monthlyCostUsd: roundCents(resources.reduce((sum, r) => sum + r.monthly_cost_usd, 0)),
  };
}

/** Unscaled simulated duration in whole seconds, deterministic for (environmentId, stack, kind, attempt), within the stack's range. */
export function simulatedDurationSeconds(
  stack: string,
  context: Pick<SimulationContext, 'environmentId' | 'attempt'>,
  kind: 'provision' | 'destroy',
): number {
  const definition = getStackDefinition(stack);
  if (!definition) throw new Error(`Unknown stack: ${stack}`);
  const range = kind === 'provision' ? definition.durationSeconds : definition.destroyDurationSeconds;
  const rng = createRng(`${context.environmentId}|${stack}|${kind}|${context.attempt ?? 1}|duration`);
  return rng.int(range.min, range.max);
}
