/** The `catalog` function: every route of `routes/catalog.ts`, dispatched by method and path. */

import { handler as getTemplate } from '../handlers/get-template.ts';
import { handler as listTemplates } from '../handlers/list-templates.ts';
import { handler as renderTemplate } from '../handlers/render-template.ts';
import { handler as validateAws } from '../handlers/validate-aws.ts';
import { handler as validateDependencies } from '../handlers/validate-dependencies.ts';
import { handler as validateManifest } from '../handlers/validate-manifest.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { catalogRoutes } from '../routes/catalog.ts';

export const handler = routeDispatcher(catalogRoutes, {
  listTemplates,
  getTemplate,
  renderTemplate,
  validateManifest,
  validateDependencies,
  validateAws,
});
