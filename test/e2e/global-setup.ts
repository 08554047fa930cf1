/**
 * Before the e2e files: the web console is built when `console/dist` is missing, as `npm start`
 * does, so every file's local mode serves it (on a fresh clone the contract fuzz would otherwise
 * meet the "not built" 404 of `GET /console` before the browser tests build it); and each worker
 * gets the DynamoDB Local its files' local modes make their tables on (worker-dynamodb.ts).
 */
import type { TestProject } from 'vitest/node';
import { buildConsole, consoleIsBuilt } from '../../local/console-build.ts';
import { startWorkerDynamoDbs } from '../support/worker-dynamodb.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [stop] = await Promise.all([
    startWorkerDynamoDbs(project),
    consoleIsBuilt() ? Promise.resolve() : buildConsole(),
  ]);
  return stop;
}
