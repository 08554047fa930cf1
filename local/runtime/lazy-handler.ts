/** Loading the EventBridge targets' handlers the way Lambda loads a function. */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LambdaHandler } from '../stepfunctions.ts';

/** Where the EventBridge targets live (`functions/events/<name>.ts`, exporting `handler`). */
export const DEFAULT_EVENTS_DIR = fileURLToPath(new URL('../../functions/events', import.meta.url));

/**
 * `import()`s a handler module on first use (so after the handlers' environment is set),
 * like Lambda loads a function on its first invocation. A module that fails to load is
 * imported again on the next call.
 */
export function lazyHandler(file: string): () => Promise<LambdaHandler> {
  let loading: Promise<LambdaHandler> | undefined;
  return () => {
    if (!loading) {
      const attempt = import(pathToFileURL(file).href).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') {
          throw new Error(`${file} exports no handler`);
        }
        return module.handler as LambdaHandler;
      });
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
      loading = attempt;
    }
    return loading;
  };
}
