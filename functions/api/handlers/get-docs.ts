/**
 * GET /docs — Swagger UI for /openapi.json. The page loads swagger-ui-dist from a CDN
 * (the browser's fetch, not the Lambda's), which keeps the function tiny.
 */
import { httpRoute } from '../http/http.ts';
import { metaRoutes } from '../routes/meta.ts';

const SWAGGER_UI_VERSION = '5.17.14';

function page(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Cloud Environment Provisioning API</title>
  <link rel="stylesheet" href="https://unpkg.com/swagger-ui-dist@${SWAGGER_UI_VERSION}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="https://unpkg.com/swagger-ui-dist@${SWAGGER_UI_VERSION}/swagger-ui-bundle.js" crossorigin></script>
  <script>
    window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: '#swagger-ui' });
  </script>
</body>
</html>`;
}

export const handler = httpRoute(metaRoutes.getDocs, async () => ({
  statusCode: 200,
  // Relative to /v1/docs, so it works behind any host and stage.
  raw: page('openapi.json'),
  headers: { 'content-type': 'text/html; charset=utf-8' },
}));
