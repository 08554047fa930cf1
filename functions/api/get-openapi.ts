/** GET /openapi.json — the OpenAPI document, generated from the route table once per container. */

import { httpRoute } from '../shared/http.ts';
import { openApiDocument } from '../shared/openapi.ts';
import { routes } from './routes.ts';

let document: Record<string, unknown> | undefined;

export const handler = httpRoute(routes.getOpenApi, async () => {
  document ??= openApiDocument();
  return { statusCode: 200, body: document };
});
