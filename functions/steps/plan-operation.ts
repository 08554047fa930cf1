/** Step: load the operation and compute the layers to walk (provision upwards, destroy downwards). */

import { workflowDeps } from '../app/dependencies.ts';
import { type OperationRef, planOperation } from '../domain/use-cases/workflow.ts';

export const handler = (input: OperationRef) => planOperation(workflowDeps, input);
