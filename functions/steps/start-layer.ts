/** Step: record which layer of the walk is in progress. */

import { workflowDeps } from '../app/dependencies.ts';
import type { LayerInput } from '../domain/workflow/contracts.ts';
import { startLayer } from '../domain/workflow/layer.ts';

export const handler = (input: LayerInput) => startLayer(workflowDeps, input);
