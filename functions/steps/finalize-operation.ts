/** Step: end the operation; the environment becomes running (with its base_url) or destroyed. */
import { finalizeOperation, type OperationPlan } from '../domain/services/workflow.ts';
import { operationStore, workflowSettings } from '../shared/dependencies.ts';

export const handler = (input: OperationPlan) => finalizeOperation(operationStore, workflowSettings(), input);
