/** Step (Catch target): settle the operation and its environment as failed, with a user-safe reason. */

import { workflowDeps } from '../app/dependencies.ts';
import type { FailureInput } from '../domain/workflow/contracts.ts';
import { failOperation } from '../domain/workflow/failure.ts';

export const handler = (input: FailureInput) => failOperation(workflowDeps, input);
