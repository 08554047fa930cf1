/** GET /health — liveness; touches no dependency so it answers even when they are down. */
import { httpConfig } from '../../platform/config.ts';
import { httpRoute } from '../http/http.ts';
import { metaRoutes } from '../routes/meta.ts';

export const handler = httpRoute(metaRoutes.getHealth, async () => ({
  statusCode: 200,
  body: { status: 'ok', version: httpConfig().API_VERSION, timestamp: new Date().toISOString() },
}));
