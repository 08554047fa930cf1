/**
 * The web console's built files as HTTP answers (docs/decisions.md §41), for GET /console and
 * GET /console/{proxy+}. Files are read once per container and answered with a strong ETag
 * (304 when unchanged); the path rules are in static-assets.ts.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { consoleConfig } from '../../platform/config.ts';
import { HttpError } from './errors.ts';
import type { HttpResponse } from './http.ts';
import { CONSOLE_CSP, cacheControlOf, contentTypeOf, INDEX_FILE, resolveAsset } from './static-assets.ts';

interface LoadedFile {
  body: string;
  etag: string;
}

/** The build does not change while a container lives: each file is read (and hashed) once. */
const files = new Map<string, Promise<LoadedFile | undefined>>();

function load(path: string): Promise<LoadedFile | undefined> {
  let loaded = files.get(path);
  if (!loaded) {
    loaded = readFile(join(consoleConfig().CONSOLE_ASSETS_DIR, path), 'utf8').then(
      (body) => ({ body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }),
      (error: NodeJS.ErrnoException) => {
        // A miss is not remembered: a build made after the first request is then found.
        files.delete(path);
        if (error.code === 'ENOENT' || error.code === 'EISDIR' || error.code === 'ENOTDIR') return undefined;
        throw error;
      },
    );
    files.set(path, loaded);
  }
  return loaded;
}

export function notFound(path: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', `Console file not found: ${path}`);
}

/** The answer for one file of the build (`index.html` for the page). */
export async function serveConsoleFile(
  path: string,
  headers: Record<string, string | undefined>,
): Promise<HttpResponse> {
  const contentType = contentTypeOf(path);
  const file = contentType ? await load(path) : undefined;
  if (!contentType || !file) {
    if (path === INDEX_FILE) {
      throw new HttpError(404, 'NOT_FOUND', 'The web console is not built: run `npm run build`');
    }
    throw notFound(path);
  }
  const common = {
    'cache-control': cacheControlOf(path),
    etag: file.etag,
    ...(path === INDEX_FILE ? { 'content-security-policy': CONSOLE_CSP } : {}),
  };
  if (headers['if-none-match'] === file.etag) return { statusCode: 304, raw: '', headers: common };
  return { statusCode: 200, raw: file.body, headers: { 'content-type': contentType, ...common } };
}

/** The answer for a path below `/console/`: a file, the page for a client route, or 404. */
export function serveConsolePath(
  proxy: string,
  headers: Record<string, string | undefined>,
): Promise<HttpResponse> {
  const target = resolveAsset(proxy);
  if (target.kind === 'invalid') throw notFound(proxy);
  return serveConsoleFile(target.kind === 'page' ? INDEX_FILE : target.path, headers);
}
