/**
 * Routes of the `console` function: the web console's built files (a single-page app,
 * docs/decisions.md §41), served by the API itself so it shares the API's origin. Public like
 * `/docs`: the page holds no data; every call it makes carries the user's token.
 */

import * as z from '../../platform/zod.ts';
import { ASSET_MEDIA_TYPES } from '../http/static-assets.ts';
import { route, routeGroup } from '../route-types.ts';

/** Paths below `/console/` (any depth, empty for `/console/`; `..` segments answer 404). */
const ConsoleAssetParams = z.strictObject({
  proxy: z.string().check(z.maxLength(512)),
});

/** A conditional request (`If-None-Match`) whose file is unchanged. */
const NOT_MODIFIED = {
  status: 304,
  description: 'Not modified: the file still has the ETag the request named',
};

export const consoleRoutes = routeGroup('console', {
  getConsole: route({
    operationId: 'getConsole',
    method: 'GET',
    path: '/console',
    access: 'public',
    summary: 'The web console (its single page)',
    tag: 'meta',
    success: { status: 200, description: 'The console’s HTML page', contentType: 'text/html' },
    alternatives: [NOT_MODIFIED],
    // When the console is not built (local mode before `npm run build`; a deployment bundles it).
    errors: [404],
    fileEtag: true,
    needs: { consoleAssets: true },
  }),
  getConsoleAsset: route({
    operationId: 'getConsoleAsset',
    method: 'GET',
    path: '/console/{proxy+}',
    access: 'public',
    summary: 'A file of the web console, or its page for a client route',
    tag: 'meta',
    request: { params: ConsoleAssetParams },
    success: {
      status: 200,
      description:
        'The file (JavaScript, CSS, SVG…), or the console’s HTML page for a path without an extension (a client route)',
      contentType: 'text/html',
      otherContentTypes: ASSET_MEDIA_TYPES.filter((type) => type !== 'text/html'),
    },
    alternatives: [NOT_MODIFIED],
    errors: [404],
    fileEtag: true,
    needs: { consoleAssets: true },
  }),
});
