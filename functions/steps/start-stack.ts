/** Step: mark one stack in progress and return its (scaled) simulated duration for the Wait state. */

import { workflowDeps, workflowSettings } from '../app/dependencies.ts';
import { type StackInput, startStack } from '../domain/use-cases/workflow.ts';

export const handler = (input: StackInput) => startStack(workflowDeps, workflowSettings(), input);
