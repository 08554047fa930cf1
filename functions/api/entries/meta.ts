/** The `meta` function: every route of `routes/meta.ts`, dispatched by method and path. */

import { routeDispatcher } from '../../shared/route-dispatch.ts';
import { handler as getDocs } from '../get-docs.ts';
import { handler as getHealth } from '../get-health.ts';
import { handler as getOpenApi } from '../get-openapi.ts';
import { metaRoutes } from '../routes/meta.ts';

export const handler = routeDispatcher(metaRoutes, {
  getHealth,
  getOpenApi,
  getDocs,
});
