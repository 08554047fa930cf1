/**
 * Construct id helpers: ids are derived from the route and step names, so they stay
 * stable (and so do CloudFormation logical ids) as long as those names do.
 */

/** `plan-operation` → `PlanOperation`; `provision-environment` → `ProvisionEnvironment`. */
export function pascalCase(kebab: string): string {
  return kebab
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
