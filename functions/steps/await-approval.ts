/** Step (`.waitForTaskToken`): keep the waiting task's token on the operation, for the approver's answer. */

import { workflowDeps } from '../app/dependencies.ts';
import { awaitApproval } from '../domain/workflow/approval.ts';
import type { ApprovalWait } from '../domain/workflow/contracts.ts';

export const handler = (input: ApprovalWait) => awaitApproval(workflowDeps, input);
