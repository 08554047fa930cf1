/** Step (per-stack Catch target): record the stack as failed so its siblings can finish. */

import { workflowDeps } from '../app/dependencies.ts';
import { failStack, type StackFailureInput } from '../domain/use-cases/workflow.ts';

export const handler = (input: StackFailureInput) => failStack(workflowDeps, input);
