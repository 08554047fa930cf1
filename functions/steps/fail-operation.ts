/** Step (Catch target): settle the operation and its environment as failed, with a user-safe reason. */
import { type FailureInput, failOperation } from '../domain/services/workflow.ts';
import { workflowDeps } from '../shared/dependencies.ts';

export const handler = (input: FailureInput) => failOperation(workflowDeps, input);
