/**
 * Readable stack traces without paying for source maps at cold start. Bundles are minified
 * and ship their source map next to them (`index.mjs.map`, without the sources' text);
 * instead of `--enable-source-maps` (which makes Node read and parse the whole map when the
 * bundle is imported, 11–26 % of a cold start), the map is read the first time an error is
 * about to be logged or reported, and the error's stack is rewritten to the original files,
 * lines and function names. Where there is no map (local mode runs the TypeScript sources
 * directly) stacks are left as they are.
 *
 * Node's own `SourceMap` (node:module) does the decoding: no library needed.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** This module's file: in a bundle, the bundle itself (every frame of ours is in it). */
const BUNDLE = import.meta.url;

/** `undefined`: not looked for yet; `null`: there is none. */
let sourceMap: SourceMap | null | undefined;

function loadSourceMap(): SourceMap | null {
  if (sourceMap !== undefined) return sourceMap;
  try {
    sourceMap = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(BUNDLE)}.map`, 'utf8')));
  } catch {
    sourceMap = null;
  }
  return sourceMap;
}

/** `    at name (file:///var/task/index.mjs:1:2345)` or `    at file:///var/task/index.mjs:1:2345`. */
const FRAME = /^(\s+at )(?:(.+?) \()?(file:\/\/\S+?|\/\S+?):(\d+):(\d+)\)?$/;

interface Frame {
  prefix: string;
  name: string | undefined;
  file: string;
  line: number;
  column: number;
}

function parseFrame(text: string): Frame | undefined {
  const match = FRAME.exec(text);
  if (!match) return undefined;
  const [, prefix = '', name, file = '', line = '0', column = '0'] = match;
  return { prefix, name, file, line: Number(line), column: Number(column) };
}

const inBundle = (frame: Frame | undefined): frame is Frame =>
  frame !== undefined && (frame.file === BUNDLE || frame.file === fileURLToPath(BUNDLE));

/**
 * Rewrites `error.stack` (and its causes') to the original sources, in place, so whoever
 * logs or reports it next (Powertools Logger, the Lambda runtime) shows readable frames.
 * A function's original name is the one its caller's call site maps to (as Node does).
 */
export function mapStackTrace(error: unknown): void {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const stack = current.stack;
    if (stack?.includes(BUNDLE) || stack?.includes(fileURLToPath(BUNDLE))) {
      const map = loadSourceMap();
      if (!map) return;
      const lines = stack.split('\n');
      const frames = lines.map(parseFrame);
      current.stack = lines
        .map((text, i) => {
          const frame = frames[i];
          if (!inBundle(frame)) return text;
          const origin = map.findOrigin(frame.line, frame.column);
          if (!('fileName' in origin)) return text;
          const caller = frames[i + 1];
          const callerName = inBundle(caller) ? map.findEntry(caller.line - 1, caller.column - 1) : undefined;
          const name =
            (callerName && 'name' in callerName ? callerName.name : undefined) ?? origin.name ?? frame.name;
          const where = `${origin.fileName}:${origin.lineNumber}:${origin.columnNumber}`;
          return name ? `${frame.prefix}${name} (${where})` : `${frame.prefix}${where}`;
        })
        .join('\n');
    }
    current = current.cause;
  }
}
