/** Step: record which layer of the walk is in progress. */

import { workflowDeps } from '../app/dependencies.ts';
import { type LayerInput, startLayer } from '../domain/use-cases/workflow.ts';

export const handler = (input: LayerInput) => startLayer(workflowDeps, input);
