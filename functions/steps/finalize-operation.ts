/** Step: end the operation from its settlement; the environment becomes running, stopped, destroyed or failed. */

import { workflowDeps, workflowSettings } from '../app/dependencies.ts';
import { finalizeOperation, type Settlement } from '../domain/use-cases/workflow.ts';

export const handler = (input: Settlement) => finalizeOperation(workflowDeps, workflowSettings(), input);
