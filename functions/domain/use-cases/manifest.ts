/**
 * The manifest of an environment (issue 5): its template, parameters and stacks as one
 * document a user can read, edit and put back. `PUT` replaces the parameters (what is not
 * given falls back to the defaults, as at create) and runs like a PATCH: an `update`
 * operation for the stacks whose inputs changed and their dependants, or an immediate save.
 */

import type { Principal } from '../access.ts';
import { ValidationError } from '../errors.ts';
import type { PutManifestInput } from '../inputs.ts';
import type { EnvironmentRecord } from '../model.ts';
import { type ResolvedParameters, resolveParameters } from '../parameters.ts';
import type { PlanView } from '../plan-rules.ts';
import { getTemplate } from '../templates.ts';
import { type EnvironmentDeps, getModifiableEnvironment, getVisibleEnvironment } from './environments.ts';
import { applyParameters, type UpdateResult } from './operations.ts';
import { planParameters } from './plans.ts';
import { assertVersionMatches, getVisibleProject } from './projects.ts';

export interface ManifestView {
  environment_id: string;
  version: number;
  template: string;
  parameters: ResolvedParameters;
  on_failure: EnvironmentRecord['on_failure'];
  stacks: { name: string; layer: number; depends_on: string[] }[];
}

function manifestOf(environment: EnvironmentRecord): ManifestView {
  const template = getTemplate(environment.template);
  return {
    environment_id: environment.id,
    version: environment.version,
    template: environment.template,
    parameters: environment.parameters,
    on_failure: environment.on_failure,
    stacks: (template?.stacks ?? []).map((s) => ({
      name: s.name,
      layer: s.layer,
      depends_on: [...s.dependsOn],
    })),
  };
}

export async function getManifest(
  deps: Pick<EnvironmentDeps, 'environments'>,
  principal: Principal,
  environmentId: string,
): Promise<ManifestView> {
  return manifestOf(await getVisibleEnvironment(deps, principal, environmentId));
}

/** Checks a put manifest against the environment: the parts that cannot change must not. */
async function resolveManifest(
  deps: Pick<EnvironmentDeps, 'environments' | 'projects'>,
  principal: Principal,
  environmentId: string,
  input: PutManifestInput,
  ifMatch: number | undefined,
): Promise<{ current: EnvironmentRecord; parameters: ResolvedParameters }> {
  const current = await getModifiableEnvironment(deps, principal, environmentId);
  assertVersionMatches(ifMatch ?? input.version, current);
  const errors: { field: string; message: string }[] = [];
  if (input.environment_id !== undefined && input.environment_id !== current.id) {
    errors.push({ field: 'environment_id', message: `this is the manifest of ${current.id}` });
  }
  if (input.template !== current.template) {
    errors.push({
      field: 'template',
      message: `the template of an environment cannot change (it is ${current.template}); create a new environment`,
    });
  }
  if (input.stacks !== undefined) {
    const expected = manifestOf(current).stacks;
    const same =
      input.stacks.length === expected.length &&
      input.stacks.every((s, i) => {
        const e = expected[i];
        return (
          e !== undefined &&
          s.name === e.name &&
          (s.layer === undefined || s.layer === e.layer) &&
          (s.depends_on === undefined || s.depends_on.join() === e.depends_on.join())
        );
      });
    if (!same) {
      errors.push({
        field: 'stacks',
        message: 'stacks and their dependencies come from the template and cannot be edited',
      });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
  const project = await getVisibleProject(deps, principal, current.project_id);
  const parameters = resolveParameters(input.parameters, {
    environmentName: current.name,
    projectName: project.name,
  });
  return { current, parameters };
}

export async function putManifest(
  deps: EnvironmentDeps,
  principal: Principal,
  environmentId: string,
  input: PutManifestInput,
  ifMatch: number | undefined,
): Promise<UpdateResult> {
  const { current, parameters } = await resolveManifest(deps, principal, environmentId, input, ifMatch);
  return applyParameters(deps, principal, current, {
    parameters,
    ...(input.on_failure ? { on_failure: input.on_failure } : {}),
  });
}

export async function planManifest(
  deps: EnvironmentDeps,
  principal: Principal,
  environmentId: string,
  input: PutManifestInput,
  ifMatch: number | undefined,
): Promise<PlanView> {
  const { current, parameters } = await resolveManifest(deps, principal, environmentId, input, ifMatch);
  return planParameters(deps, current, parameters);
}
