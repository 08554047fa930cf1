/**
 * GET /console/{proxy+} — a file of the web console's build when the path has an extension
 * (404 in the error shape when there is none such), the console's page for any other path (a
 * client route such as `/console/environments/env_1`). docs/decisions.md §41.
 */
import { serveConsolePath } from '../http/console-files.ts';
import { httpRoute } from '../http/http.ts';
import { consoleRoutes } from '../routes/console.ts';

export const handler = httpRoute(consoleRoutes.getConsoleAsset, ({ params, headers }) =>
  serveConsolePath(params.proxy, headers),
);
