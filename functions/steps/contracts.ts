/**
 * Payloads exchanged between the state machines (`statemachines/*.asl.json`) and the
 * Lambda steps. The ASL passes these through unchanged (each task's `OutputPath` is
 * `$.Payload`), so the shapes here are the workflow's data contract.
 */
import type { OperationKindValue } from '../domain/schemas.ts';

/** What the API passes to StartExecution. */
export interface OperationRef {
  environment_id: string;
  operation_id: string;
}

export interface PlannedLayer {
  /** 1-based position in the walk (for destroy, 1 is the deepest layer). */
  layer: number;
  stacks: string[];
}

/** Output of `plan-operation`: the walk, layer by layer. */
export interface OperationPlan extends OperationRef {
  kind: OperationKindValue;
  layers: PlannedLayer[];
}

/** Input of `start-layer` (and its output, unchanged). */
export interface LayerInput extends OperationRef {
  kind: OperationKindValue;
  layer: number;
  stacks: string[];
}

/** Input of `start-stack`. */
export interface StackInput extends OperationRef {
  kind: OperationKindValue;
  layer: number;
  stack: string;
}

/** Output of `start-stack`, input of the Wait and of `complete-stack`. */
export interface StackStarted extends StackInput {
  /** Simulated duration, already scaled; the Wait state sleeps this long. */
  wait_seconds: number;
}

/** Input of `finalize-operation`: the plan (the Map results are discarded). */
export type FinalizeInput = OperationPlan;

/** Input of `fail-operation`: whatever the failing state had, plus the caught error. */
export interface FailureInput extends OperationRef {
  error?: { Error?: string; Cause?: string };
}
