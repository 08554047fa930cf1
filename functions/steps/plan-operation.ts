/** Step: load the operation and compute the layers to walk (provision upwards, destroy downwards). */
import { type OperationRef, planOperation } from '../domain/services/workflow.ts';
import { operationStore } from '../shared/dependencies.ts';

export const handler = (input: OperationRef) => planOperation(operationStore, input);
