/**
 * `npm run reset`: wipes local mode's data (`.local/`: the DynamoDB file, Cognito users and
 * client), so the next `npm start` begins from an empty table and freshly seeded users.
 * Refuses while a local instance is running on that data.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATA_DIR, runningInstance } from './lock.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
// `.cognito/` is where a stand-alone cognito-local would keep data; local mode does not use
// it, but a stray one would confuse anyone running `npx cognito-local` by hand.
const targets = [DEFAULT_DATA_DIR, join(repoRoot, '.cognito')];

const running = runningInstance(DEFAULT_DATA_DIR);
if (running) {
  console.error(
    `A local instance is running (pid ${running.pid}, port ${running.port}); stop it (Ctrl-C) before resetting.`,
  );
  process.exit(1);
}

let wiped = 0;
for (const target of targets) {
  if (existsSync(target)) {
    await rm(target, { recursive: true, force: true });
    console.log(`Removed ${target}`);
    wiped++;
  }
}
console.log(wiped > 0 ? 'Local data wiped.' : 'Nothing to wipe.');
