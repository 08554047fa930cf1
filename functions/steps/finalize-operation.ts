/** Step: end the operation from its settlement; the environment becomes running, stopped, destroyed or failed. */
import { finalizeOperation, type Settlement } from '../domain/services/workflow.ts';
import { workflowDeps, workflowSettings } from '../shared/dependencies.ts';

export const handler = (input: Settlement) => finalizeOperation(workflowDeps, workflowSettings(), input);
