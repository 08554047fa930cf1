/**
 * Absolute paths the CDK app needs. Resolved from this file rather than from the
 * working directory, so `cdk synth`, the tests and any other caller agree.
 */
import { fileURLToPath } from 'node:url';

/** The repository root (holds `package.json` and `package-lock.json`). */
export const REPO_ROOT: string = fileURLToPath(new URL('..', import.meta.url));

/** Path of a file below the repository root, e.g. `repoPath('functions', 'api', 'x.ts')`. */
export function repoPath(...parts: string[]): string {
  return fileURLToPath(new URL(`../${parts.join('/')}`, import.meta.url));
}

/** The lock file esbuild bundling resolves the project root from. */
export const LOCK_FILE: string = repoPath('package-lock.json');

/** Entry file of an API function (`functions/api/entries/<group>.ts`). */
export const apiGroupEntry = (group: string): string =>
  repoPath('functions', 'api', 'entries', `${group}.ts`);

/** Entry file of a step function (`functions/steps/<group>.ts`). */
export const stepHandlerEntry = (group: string): string => repoPath('functions', 'steps', `${group}.ts`);

/** Entry file of an EventBridge target (`functions/events/<handler>.ts`). */
export const eventHandlerEntry = (handler: string): string =>
  repoPath('functions', 'events', `${handler}.ts`);

/** A state machine definition (`statemachines/<name>.asl.json`). */
export const stateMachineFile = (name: string): string => repoPath('statemachines', `${name}.asl.json`);
