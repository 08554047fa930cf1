/** `npm run generate:client`: regenerates `cli/api/schema.ts` (see client-source.ts). */
import { writeFileSync } from 'node:fs';
import { clientSource } from './client-source.ts';

const file = new URL('../cli/api/schema.ts', import.meta.url);
writeFileSync(file, await clientSource());
process.stdout.write(`wrote ${file.pathname}\n`);
