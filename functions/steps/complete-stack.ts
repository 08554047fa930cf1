/** Step: settle one stack (simulated resources and outputs, or destroyed) and count it as done. */

import { workflowDeps } from '../app/dependencies.ts';
import type { StackStarted } from '../domain/workflow/contracts.ts';
import { completeStack } from '../domain/workflow/stack.ts';

export const handler = (input: StackStarted) => completeStack(workflowDeps, input);
