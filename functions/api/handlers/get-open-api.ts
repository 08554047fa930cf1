/** GET /openapi.json — the OpenAPI document, generated from the route table once per container. */

import { httpRoute } from '../http/http.ts';
import { openApiDocument } from '../http/openapi.ts';
import { metaRoutes } from '../routes/meta.ts';

let document: Record<string, unknown> | undefined;

export const handler = httpRoute(metaRoutes.getOpenApi, async () => {
  document ??= openApiDocument();
  return { statusCode: 200, body: document };
});
