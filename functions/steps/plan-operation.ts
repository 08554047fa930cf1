/** Step: load the operation and compute the layers to walk (provision upwards, destroy downwards). */
import { type OperationRef, planOperation } from '../domain/services/workflow.ts';
import { workflowDeps } from '../shared/dependencies.ts';

export const handler = (input: OperationRef) => planOperation(workflowDeps, input);
