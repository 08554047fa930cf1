/**
 * Builds the web console (`console/dist`, docs/decisions.md §41) with Vite, as `npm run build`
 * does: `npm start` calls it when the build is missing, the browser tests before they start.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_DIST_DIR } from './runtime/handler-env.ts';

const CONFIG_FILE = fileURLToPath(new URL('../console/vite.config.ts', import.meta.url));

/** Whether `console/dist` holds a build. */
export function consoleIsBuilt(): boolean {
  return existsSync(join(CONSOLE_DIST_DIR, 'index.html'));
}

/** Runs the console's Vite build (about a second). */
export async function buildConsole(): Promise<void> {
  // Imported on demand: Vite is a development tool, loaded only when a build is needed.
  const { build } = await import('vite');
  await build({ configFile: CONFIG_FILE, logLevel: 'warn' });
}
