/** Step (Catch target): settle the operation and its environment as failed, with a user-safe reason. */

import { workflowDeps } from '../app/dependencies.ts';
import { type FailureInput, failOperation } from '../domain/use-cases/workflow.ts';

export const handler = (input: FailureInput) => failOperation(workflowDeps, input);
