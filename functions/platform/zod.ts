/**
 * zod for this project: `zod/mini`, whose functions esbuild can leave out of a bundle that
 * does not use them (classic `zod` hangs every method on its schemas, so each Lambda carried
 * all of it), with the English messages the API answers in. Import it as
 * `import * as z from './zod.ts'`, never as a named `z`: a named `z` is the whole library as
 * one object, which no bundler can trim.
 */
import { en } from 'zod/locales';
import { clone, config, type core, globalRegistry } from 'zod/mini';

// Classic zod loads English on first use; zod/mini loads no locale, so without this every
// issue would read "Invalid input". The messages reach clients in 422 answers (`errors`).
config(en());

export * from 'zod/mini';

/**
 * A copy of `schema` with metadata (an OpenAPI component `id`, an `example`, a `description`),
 * as classic zod's `.meta()` made one. zod/mini's own `z.meta()` is a check instead, and checks
 * are copied into every schema derived from this one (`z.extend` keeps them), `id` included.
 */
export function withMeta<T extends core.$ZodType>(schema: T, metadata: core.GlobalMeta): T {
  const copy = clone(schema);
  globalRegistry.add(copy, metadata);
  return copy;
}
