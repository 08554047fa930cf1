/** GET /health — liveness; touches no dependency so it answers even when they are down. */
import { httpConfig } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.getHealth, async () => ({
  statusCode: 200,
  body: { status: 'ok', version: httpConfig().API_VERSION, timestamp: new Date().toISOString() },
}));
