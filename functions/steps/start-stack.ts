/** Step: mark one stack in progress and return its (scaled) simulated duration for the Wait state. */

import { workflowDeps } from '../app/dependencies.ts';
import type { StackInput } from '../domain/workflow/contracts.ts';
import { startStack } from '../domain/workflow/stack.ts';

export const handler = (input: StackInput) => startStack(workflowDeps, input);
