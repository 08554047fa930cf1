/**
 * After `npm run synth`: each stack's resource count against the budget a test enforces
 * (CloudFormation's hard limit is 500), and the size of what `cdk.out` holds.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The budget `test/infra/budget.test.ts` enforces for every stack. */
const BUDGET = 300;
const dir = process.argv[2] ?? 'cdk.out';

function bytesIn(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, name) => total + bytesIn(join(path, name)), 0);
}

for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.template.json'))
  .sort()) {
  const template = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { Resources?: object };
  const count = Object.keys(template.Resources ?? {}).length;
  console.log(
    `${file.replace('.template.json', '')}: ${count} resources (budget ${BUDGET}, CloudFormation limit 500)`,
  );
}
const assets = readdirSync(dir).filter((name) => name.startsWith('asset.'));
console.log(`${dir}: ${assets.length} assets, ${(bytesIn(dir) / 2 ** 20).toFixed(1)} MB in all`);
