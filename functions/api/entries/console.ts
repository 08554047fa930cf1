/** The `console` function: every route of `routes/console.ts` (the web console's files, §41). */

import { handler as getConsole } from '../handlers/get-console.ts';
import { handler as getConsoleAsset } from '../handlers/get-console-asset.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { consoleRoutes } from '../routes/console.ts';

export const handler = routeDispatcher(consoleRoutes, { getConsole, getConsoleAsset });
