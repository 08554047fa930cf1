/**
 * The checks the validators behind `POST /validate/*` share: zod issues as `{field, message}`,
 * template parameters, regions, sandbox warnings.
 *
 * A validator answers about the *document* it was given: problems with its values are
 * listed in `errors` (and make it invalid) or `warnings` (legal but probably unwanted);
 * only a document of the wrong shape is refused, by its schema (`validation-documents.ts`;
 * a 422 over HTTP).
 */

import type * as z from '../../platform/zod.ts';
import { AWS_REGIONS } from '../aws.ts';
import {
  type SimulateParametersInput,
  TemplateParameters,
  type TemplateParametersInput,
} from '../parameters.ts';
import { PRICES } from '../prices.ts';
import { listTemplates } from '../templates.ts';
import type { ValidationIssueValue } from '../validation-documents.ts';

// ---------------------------------------------------------------- shared checks

export type Issue = ValidationIssueValue;

/** Sorts names in code-point order (the same in every locale). */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** zod issues as `{field, message}` under `prefix` (unknown keys one issue each). */
export function issuesOf(error: z.core.$ZodError, prefix: string): Issue[] {
  return error.issues.flatMap((issue) => {
    const field = [prefix, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: `${field}.${key}`, message: 'unknown parameter' }));
    }
    return [{ field, message: issue.message }];
  });
}

/** Parses template parameters: the parsed value, or the problems under `parameters.…`. */
export function parseParameters(
  raw: Record<string, unknown> | undefined,
): { ok: true; value: TemplateParametersInput } | { ok: false; errors: Issue[] } {
  const result = TemplateParameters.safeParse(raw ?? {});
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: issuesOf(result.error, 'parameters') };
}

export const templateNames = (): string =>
  listTemplates()
    .map((t) => t.name)
    .join(', ');

export function isRegion(value: string): boolean {
  return (AWS_REGIONS as readonly string[]).includes(value);
}

/** Storage above this many GB draws a warning: it is a sandbox. */
export const SANDBOX_STORAGE_GB = 50;

export const usd = (value: number): string => `$${value.toFixed(2)}`;

/**
 * Legal parameter values that are probably unwanted: large storage, injected failures,
 * failure injection naming stacks the environment does not have (`stacks`, when known).
 */
export function parameterWarnings(parameters: TemplateParametersInput, stacks?: readonly string[]): Issue[] {
  const warnings: Issue[] = [];
  if (parameters.storage_gb !== undefined && parameters.storage_gb > SANDBOX_STORAGE_GB) {
    warnings.push({
      field: 'parameters.storage_gb',
      message:
        `${parameters.storage_gb} GB is costly for a sandbox (${usd(parameters.storage_gb * PRICES.rdsGp3GbMonth)} ` +
        `a month of storage); ${SANDBOX_STORAGE_GB} GB or less is usually enough`,
    });
  }
  const simulate: SimulateParametersInput = parameters.simulate ?? {};
  if ((simulate.failure_rate ?? 0) > 0) {
    warnings.push({
      field: 'parameters.simulate.failure_rate',
      message: `failures will be injected: each stack fails to provision with probability ${simulate.failure_rate}`,
    });
  }
  if ((simulate.transient_failure_rate ?? 0) > 0) {
    warnings.push({
      field: 'parameters.simulate.transient_failure_rate',
      message: `transient failures will be injected (probability ${simulate.transient_failure_rate}); retries absorb them but runs take longer`,
    });
  }
  for (const key of ['fail_stacks', 'fail_destroy_stacks'] as const) {
    const names = simulate[key] ?? [];
    if (names.length === 0) continue;
    const action = key === 'fail_stacks' ? 'provision' : 'be destroyed';
    warnings.push({
      field: `parameters.simulate.${key}`,
      message: `failures will be injected: ${names.join(', ')} will always fail to ${action}`,
    });
    names.forEach((name, index) => {
      if (stacks && !stacks.includes(name)) {
        warnings.push({
          field: `parameters.simulate.${key}.${index}`,
          message: `'${name}' is not a stack of this environment; it is ignored`,
        });
      }
    });
  }
  return warnings;
}
