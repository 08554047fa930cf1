/** Step: after the walk, decide the outcome and whether a provision must roll back what it created. */

import { workflowDeps } from '../app/dependencies.ts';
import type { OperationPlan } from '../domain/workflow/contracts.ts';
import { settleOperation } from '../domain/workflow/settle.ts';

export const handler = (input: OperationPlan) => settleOperation(workflowDeps, input);
