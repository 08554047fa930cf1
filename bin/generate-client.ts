/** `npm run generate:client`: regenerates `cli/api/schema.ts` and `cli/api/enums.ts` (see client-source.ts). */
import { writeFileSync } from 'node:fs';
import { clientSources } from './client-source.ts';

const sources = await clientSources();
for (const [name, text] of Object.entries(sources)) {
  const file = new URL(`../cli/api/${name}.ts`, import.meta.url);
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file.pathname}\n`);
}
