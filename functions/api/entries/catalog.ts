/** The `catalog` function: every route of `routes/catalog.ts`, dispatched by method and path. */

import { routeDispatcher } from '../../shared/route-dispatch.ts';
import { handler as getTemplate } from '../get-template.ts';
import { handler as listTemplates } from '../list-templates.ts';
import { handler as renderTemplate } from '../render-template.ts';
import { catalogRoutes } from '../routes/catalog.ts';
import { handler as validateAws } from '../validate-aws.ts';
import { handler as validateDependencies } from '../validate-dependencies.ts';
import { handler as validateManifest } from '../validate-manifest.ts';

export const handler = routeDispatcher(catalogRoutes, {
  listTemplates,
  getTemplate,
  renderTemplate,
  validateManifest,
  validateDependencies,
  validateAws,
});
