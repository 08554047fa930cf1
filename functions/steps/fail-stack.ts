/** Step (per-stack Catch target): record the stack as failed so its siblings can finish. */
import { failStack, type StackFailureInput } from '../domain/services/workflow.ts';
import { workflowDeps } from '../shared/dependencies.ts';

export const handler = (input: StackFailureInput) => failStack(workflowDeps, input);
