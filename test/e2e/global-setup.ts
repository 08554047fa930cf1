/**
 * Before the e2e files: the web console is built when `console/dist` is missing, as `npm start`
 * does, so every file's local mode serves it (on a fresh clone the contract fuzz would otherwise
 * meet the "not built" 404 of `GET /console` before the browser tests build it).
 */
import { buildConsole, consoleIsBuilt } from '../../local/console-build.ts';

export default async function setup(): Promise<void> {
  if (!consoleIsBuilt()) await buildConsole();
}
