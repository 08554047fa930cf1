/** Step: record which layer of the walk is in progress. */
import { type LayerInput, startLayer } from '../domain/services/workflow.ts';
import { workflowDeps } from '../shared/dependencies.ts';

export const handler = (input: LayerInput) => startLayer(workflowDeps, input);
