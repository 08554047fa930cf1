/** The `meta` function: every route of `routes/meta.ts`, dispatched by method and path. */

import { handler as getDocs } from '../handlers/get-docs.ts';
import { handler as getHealth } from '../handlers/get-health.ts';
import { handler as getOpenApi } from '../handlers/get-open-api.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { metaRoutes } from '../routes/meta.ts';

export const handler = routeDispatcher(metaRoutes, {
  getHealth,
  getOpenApi,
  getDocs,
});
