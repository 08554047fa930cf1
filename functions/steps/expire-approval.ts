/** Step (the approval's wait timed out): the operation ends `expired`, nothing changed. */

import { workflowDeps } from '../app/dependencies.ts';
import { expireApproval } from '../domain/workflow/approval.ts';
import type { OperationRef } from '../domain/workflow/contracts.ts';

export const handler = (input: OperationRef) => expireApproval(workflowDeps, input);
