/** Routes of the `meta` function. Liveness and the API's own documentation (public). */

import * as z from '../../platform/zod.ts';
import { HealthResponse } from '../contract/common.ts';
import { route, routeGroup } from '../route-types.ts';

export const metaRoutes = routeGroup('meta', {
  getHealth: route({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    access: 'public',
    summary: 'Liveness check',
    tag: 'meta',
    success: { status: 200, description: 'The API is up', schema: HealthResponse },
  }),
  getOpenApi: route({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    summary: 'This OpenAPI document',
    tag: 'meta',
    success: { status: 200, description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) },
  }),
  getDocs: route({
    operationId: 'getDocs',
    method: 'GET',
    path: '/docs',
    access: 'public',
    summary: 'Swagger UI for this API',
    tag: 'meta',
    success: { status: 200, description: 'An HTML page', contentType: 'text/html' },
  }),
});
