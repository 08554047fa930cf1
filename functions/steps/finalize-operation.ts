/** Step: end the operation from its settlement; the environment becomes running, stopped, destroyed or failed. */

import { workflowDeps } from '../app/dependencies.ts';
import type { Settlement } from '../domain/workflow/contracts.ts';
import { finalizeOperation } from '../domain/workflow/settle.ts';

export const handler = (input: Settlement) => finalizeOperation(workflowDeps, input);
