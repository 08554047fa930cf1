/** Step: load the operation and compute the layers to walk (provision upwards, destroy downwards). */

import { workflowDeps } from '../app/dependencies.ts';
import type { OperationRef } from '../domain/workflow/contracts.ts';
import { planOperation } from '../domain/workflow/plan.ts';

export const handler = (input: OperationRef) => planOperation(workflowDeps, input);
