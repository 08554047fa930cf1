/** Step: settle one stack (simulated resources and outputs, or destroyed) and count it as done. */

import { workflowDeps } from '../app/dependencies.ts';
import { completeStack, type StackStarted } from '../domain/use-cases/workflow.ts';

export const handler = (input: StackStarted) => completeStack(workflowDeps, input);
