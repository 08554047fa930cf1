/** GET /console — the web console's page (docs/decisions.md §41). */
import { serveConsoleFile } from '../http/console-files.ts';
import { httpRoute } from '../http/http.ts';
import { INDEX_FILE } from '../http/static-assets.ts';
import { consoleRoutes } from '../routes/console.ts';

export const handler = httpRoute(consoleRoutes.getConsole, ({ headers }) =>
  serveConsoleFile(INDEX_FILE, headers),
);
