/**
 * GET /docs — Swagger UI for /openapi.json. Its script and stylesheet come from the installed
 * `swagger-ui-dist` package, copied into the web console's build and served by the API itself
 * (`/v1/console/swagger-ui/…`, docs/decisions.md §41): no CDN, so the page works offline.
 */
import { httpRoute } from '../http/http.ts';
import { metaRoutes } from '../routes/meta.ts';

function page(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Cloud Environment Provisioning API</title>
  <link rel="stylesheet" href="console/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="console/swagger-ui/swagger-ui-bundle.js"></script>
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
