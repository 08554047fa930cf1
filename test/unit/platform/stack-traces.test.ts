/**
 * Readable stack traces from a minified bundle, without `--enable-source-maps`: the bundle
 * is built here with the deployment's esbuild settings (minified ESM, external source map
 * without sources' text), imported, made to fail, and its error's stack mapped.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'stack-traces-'));
const stackTraces = new URL('../../../functions/platform/stack-traces.ts', import.meta.url).pathname;
let fail: () => Error;
let failWithoutMap: () => Error;

async function bundle(name: string, sourcemap: boolean): Promise<string> {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(
    entry,
    [
      `import { mapStackTrace } from ${JSON.stringify(stackTraces)};`,
      'function explodeWhenAsked(reason: string): never {',
      '  throw new Error(reason);',
      '}',
      'export function fail(): Error {',
      '  try {',
      "    explodeWhenAsked('boom');",
      '  } catch (error) {',
      '    mapStackTrace(error);',
      '    return error as Error;',
      '  }',
      "  return new Error('unreachable');",
      '}',
    ].join('\n'),
  );
  const outfile = join(dir, name, 'index.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    sourcemap,
    sourcesContent: false,
    outfile,
  });
  return outfile;
}

beforeAll(async () => {
  ({ fail } = (await import(pathToFileURL(await bundle('mapped', true)).href)) as { fail: () => Error });
  ({ fail: failWithoutMap } = (await import(pathToFileURL(await bundle('unmapped', false)).href)) as {
    fail: () => Error;
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mapStackTrace', () => {
  it('rewrites the frames of a minified bundle to the original file, line and function', () => {
    // Like Node's --enable-source-maps, a function's name is found from its caller's call
    // site: the outermost bundled frame (called from outside) keeps its minified name.
    // Act
    const error = fail();
    // Assert
    const [message, first, second] = (error.stack ?? '').split('\n');
    expect(message).toBe('Error: boom');
    expect(first).toMatch(/^\s+at explodeWhenAsked \(.*mapped\.ts:3:9\)$/);
    expect(second).toMatch(/^\s+at \w+ \(.*mapped\.ts:7:5\)$/);
  });

  it('leaves a stack as it is when the bundle has no source map', () => {
    const error = failWithoutMap();
    const [, first] = (error.stack ?? '').split('\n');
    expect(first).toMatch(/unmapped\/index\.mjs:\d+:\d+\)$/);
  });
});
