/** Step: after the walk, decide the outcome and whether a provision must roll back what it created. */

import { workflowDeps } from '../app/dependencies.ts';
import { type OperationPlan, settleOperation } from '../domain/use-cases/workflow.ts';

export const handler = (input: OperationPlan) => settleOperation(workflowDeps, input);
