/** Step: mark one stack in progress and return its (scaled) simulated duration for the Wait state. */
import { type StackInput, startStack } from '../domain/services/workflow.ts';
import { workflowDeps, workflowSettings } from '../shared/dependencies.ts';

export const handler = (input: StackInput) => startStack(workflowDeps, workflowSettings(), input);
