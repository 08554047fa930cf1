/** Step: settle one stack (simulated resources and outputs, or destroyed) and count it as done. */
import { completeStack, type StackStarted } from '../domain/services/workflow.ts';
import { workflowDeps } from '../shared/dependencies.ts';

export const handler = (input: StackStarted) => completeStack(workflowDeps, input);
