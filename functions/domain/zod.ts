/**
 * zod for this project: `zod/mini`, whose functions esbuild can leave out of a bundle that
 * does not use them (classic `zod` hangs every method on its schemas, so each Lambda carried
 * all of it), with the English messages the API answers in. Import it as
 * `import * as z from './zod.ts'`, never as a named `z`: a named `z` is the whole library as
 * one object, which no bundler can trim.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

// Classic zod loads English on first use; zod/mini loads no locale, so without this every
// issue would read "Invalid input". The messages reach clients in 422 answers (`errors`).
config(en());

export * from 'zod/mini';
