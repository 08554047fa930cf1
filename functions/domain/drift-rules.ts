/**
 * Simulated drift (issue 5): the "live" state of a recorded resource, as a refresh would
 * read it from AWS. With `parameters.simulate.drift_rate`, each resource has that chance of
 * having been changed outside the platform: one property differs. Deterministic per
 * environment, stack, the operation that last provisioned the stack and resource, so a
 * refresh can be repeated and gives the same answer until the stack is redeployed.
 */
import type { DriftChange, StackRecord } from './model.ts';
import { createRng, type Rng } from './random.ts';

/** A different value of the same kind, as a console edit would leave it. */
function changed(value: unknown, rng: Rng): unknown {
  if (typeof value === 'number') return value + rng.int(1, 9);
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'string') return `${value}-${rng.string('abcdefghijklmnopqrstuvwxyz', 4)}`;
  return value;
}

/** What a refresh finds for one stack: the resources whose live state differs, and how. */
export function detectDrift(environmentId: string, stack: StackRecord, driftRate: number): DriftChange[] {
  if (driftRate <= 0) return [];
  const changes: DriftChange[] = [];
  for (const resource of stack.resources) {
    const rng = createRng(
      `${environmentId}|${stack.name}|${stack.operation_id ?? '-'}|${resource.logical_id}|drift`,
    );
    if (rng.next() >= driftRate) continue;
    const scalars = Object.keys(resource.properties)
      .filter((key) => ['string', 'number', 'boolean'].includes(typeof resource.properties[key]))
      .sort();
    if (scalars.length === 0) {
      changes.push({
        logical_id: resource.logical_id,
        type: resource.type,
        id: resource.id,
        property: 'Tags.ModifiedBy',
        expected: null,
        actual: 'console',
      });
      continue;
    }
    const property = rng.pick(scalars);
    const expected = resource.properties[property];
    changes.push({
      logical_id: resource.logical_id,
      type: resource.type,
      id: resource.id,
      property,
      expected,
      actual: changed(expected, rng),
    });
  }
  return changes;
}
