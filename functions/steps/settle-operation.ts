/** Step: after the walk, decide the outcome and whether a provision must roll back what it created. */
import { type OperationPlan, settleOperation } from '../domain/services/workflow.ts';
import { workflowDeps } from '../shared/dependencies.ts';

export const handler = (input: OperationPlan) => settleOperation(workflowDeps, input);
