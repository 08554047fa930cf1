import { resolveParameters } from '../parameters.ts';
import { getStackDefinition } from '../stacks/registry.ts';
import { estimateMonthlyCost, estimateStackMonthlyCost, type Template } from '../templates.ts';
import type {
  ManifestStackValue,
  RenderedManifestValue,
  RenderTemplateInput,
} from '../validation-documents.ts';
import { byName } from './checks.ts';

// ---------------------------------------------------------------- render

/** Names the default domain is built from when a render request gives none. */
export const RENDER_DEFAULT_NAMES = { environmentName: 'env', projectName: 'project' } as const;

/**
 * How long provisioning takes, in seconds. The workflow runs the layers one after the other
 * and the stacks of a layer in parallel, waiting for the whole layer before the next one
 * starts, so the duration is the sum over layers of the slowest stack of each layer (for
 * the minimum: of the largest minimum). This is the engine's real critical path; a plain
 * longest path through the graph would be shorter, as no stack starts before its layer does.
 * `critical_path` names the slowest stack (largest maximum, then name) of each layer.
 */
export function estimateProvisioningDuration(layers: readonly (readonly string[])[]): {
  min: number;
  max: number;
  criticalPath: string[];
} {
  let min = 0;
  let max = 0;
  const criticalPath: string[] = [];
  for (const layer of layers) {
    let layerMin = 0;
    let slowest: { name: string; max: number } | undefined;
    for (const name of [...layer].sort(byName)) {
      const duration = getStackDefinition(name)?.durationSeconds ?? { min: 0, max: 0 };
      layerMin = Math.max(layerMin, duration.min);
      if (!slowest || duration.max > slowest.max) slowest = { name, max: duration.max };
    }
    min += layerMin;
    max += slowest?.max ?? 0;
    if (slowest) criticalPath.push(slowest.name);
  }
  return { min, max, criticalPath };
}

/**
 * The manifest of a template with these parameters: resolved parameters, stacks with
 * their layer, cost and duration, the layers, the total cost and the provisioning time.
 * The region and account default to the platform's defaults.
 */
export function renderManifest(
  template: Template,
  input: RenderTemplateInput,
  defaults: { region: string; accountId: string },
): RenderedManifestValue {
  const parameters = resolveParameters(input.parameters ?? {}, {
    environmentName: input.environment_name ?? RENDER_DEFAULT_NAMES.environmentName,
    projectName: input.project_name ?? RENDER_DEFAULT_NAMES.projectName,
  });
  const stacks = template.stacks.map(
    (stack): ManifestStackValue => ({
      name: stack.name,
      depends_on: [...stack.dependsOn],
      layer: stack.layer,
      resource_types: [...stack.resourceTypes],
      estimated_monthly_cost_usd: estimateStackMonthlyCost(stack.name, parameters),
      estimated_duration_seconds: { ...stack.durationSeconds },
    }),
  );
  const duration = estimateProvisioningDuration(template.layers);
  return {
    template: template.name,
    version: template.version,
    parameters,
    region: input.region ?? defaults.region,
    account_id: input.account_id ?? defaults.accountId,
    stacks,
    layers: template.layers.map((layer) => [...layer]),
    estimated_monthly_cost_usd: estimateMonthlyCost(
      stacks.map((s) => s.name),
      parameters,
    ),
    estimated_duration_seconds: { min: duration.min, max: duration.max },
    critical_path: duration.criticalPath,
  };
}
