/**
 * Serving a directory of built files (the web console, docs/decisions.md §41): which file a
 * path names, its content type and how long a browser may keep it. Pure path logic here; the
 * handler reads the files.
 *
 * Hand-written rather than a static-file middleware: API Gateway hands the function one
 * decoded path, the answer is a Lambda proxy result, and the rules are five lines each.
 */
import { posix } from 'node:path';

/** What a request path below the console resolves to. */
export type AssetTarget =
  /** A file of the build, relative to its directory. */
  | { kind: 'file'; path: string }
  /** A client route (no extension): the single page answers it. */
  | { kind: 'page' }
  /** A file path that cannot be in the build (`..`, hidden files, a backslash). */
  | { kind: 'invalid' };

export const INDEX_FILE = 'index.html';

/** Files the build produces, by extension. Anything else is not served (text only: see §41). */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content types of {@link CONTENT_TYPES}, without parameters (for the OpenAPI document). */
export const ASSET_MEDIA_TYPES: readonly string[] = [
  ...new Set(Object.values(CONTENT_TYPES).map((type) => type.split(';')[0] ?? type)),
];

/** `undefined` (the bare `/console`) and extension-less paths are the page; others name a file. */
export function resolveAsset(proxy: string | undefined): AssetTarget {
  if (proxy === undefined || proxy === '') return { kind: 'page' };
  const segments = proxy.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment.startsWith('.') || segment.includes('\\'))) {
    return { kind: 'invalid' };
  }
  const last = segments.at(-1) ?? '';
  if (posix.extname(last) === '') return { kind: 'page' };
  return { kind: 'file', path: segments.join('/') };
}

/** The content type of a file of the build; `undefined` for a type the console does not serve. */
export function contentTypeOf(path: string): string | undefined {
  return CONTENT_TYPES[posix.extname(path).toLowerCase()];
}

/**
 * Vite names every file under `assets/` after a hash of its content: a browser may keep it
 * for a year. Everything else (the page, Swagger UI's files) is revalidated with its ETag on
 * each use, so a new deployment shows at once.
 */
export function cacheControlOf(path: string): string {
  return path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * The page may load scripts and styles from its own origin only and talk only to the API
 * (same origin). React sets inline styles through the DOM, which `style-src` does not block.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
