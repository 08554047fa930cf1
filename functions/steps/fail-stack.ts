/** Step (per-stack Catch target): record the stack as failed so its siblings can finish. */

import { workflowDeps } from '../app/dependencies.ts';
import type { StackFailureInput } from '../domain/workflow/contracts.ts';
import { failStack } from '../domain/workflow/stack.ts';

export const handler = (input: StackFailureInput) => failStack(workflowDeps, input);
