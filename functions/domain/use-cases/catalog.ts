/**
 * The catalog's use cases that need more than the templates: rendering a template takes
 * the default account and region, and the AWS checks read the account's VPC quota.
 */
import { NotFoundError } from '../errors.ts';
import type { QuotaStore } from '../ports.ts';
import { getTemplate } from '../templates.ts';
import { renderManifest } from '../validation/render.ts';
import { validateAws } from '../validation/validate-aws.ts';

export interface CatalogSettings {
  defaultRegion: string;
  defaultAccountId: string;
}

/** What the catalog routes work with. */
export interface CatalogDeps {
  quotas: QuotaStore;
  settings: CatalogSettings;
}

/** A template rendered with the given inputs, in the default account and region unless they are given. */
export function renderTemplate(
  deps: Pick<CatalogDeps, 'settings'>,
  name: string,
  input: Parameters<typeof renderManifest>[1],
): ReturnType<typeof renderManifest> {
  const template = getTemplate(name);
  if (!template) throw new NotFoundError('Template', name);
  return renderManifest(template, input, {
    region: deps.settings.defaultRegion,
    accountId: deps.settings.defaultAccountId,
  });
}

/** The checks of an AWS target (account, region, permissions, quotas) before creating an environment there. */
export function checkAwsTarget(
  deps: Pick<CatalogDeps, 'quotas'>,
  input: Parameters<typeof validateAws>[0],
): ReturnType<typeof validateAws> {
  return validateAws(input, (accountId, region) => deps.quotas.vpcUsage(accountId, region));
}
