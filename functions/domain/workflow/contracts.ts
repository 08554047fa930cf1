/**
 * The payloads the state machines (`statemachines/*.asl.json`) pass between the Lambda
 * steps: each step's input and output. The ASL passes them through unchanged (each task's
 * `OutputPath` is `$.Payload`), so these shapes are the workflow's data contract; the step
 * adapters (`functions/steps/contracts.ts`) re-export them.
 *
 *   StartExecution ── OperationRef ──▶ plan-operation ──▶ OperationPlan
 *   per layer:  LayerInput ──▶ start-layer ──▶ LayerInput (only the stacks that may run)
 *   per stack:  StackInput ──▶ start-stack ──▶ (Wait) ──▶ StackStarted ──▶ complete-stack
 *               on a stack's error: StackFailureInput ──▶ fail-stack
 *   OperationPlan ──▶ settle-operation ──▶ Settlement ──▶ (rollback layers) ──▶ finalize-operation
 *   on any other error: FailureInput ──▶ fail-operation
 *   an execution that ended otherwise: ExecutionStatusChange ──▶ the reconciler
 */

import type { ResolvedParameters } from '../parameters.ts';
import type { OperationKindValue } from '../vocabulary.ts';

/** What the API passes to StartExecution. */
export interface OperationRef {
  environment_id: string;
  operation_id: string;
  /**
   * Set when the operation waits for an approval first: how long the workflow waits
   * (`TimeoutSecondsPath` of its approval task) before the operation ends `expired`.
   */
  approval_timeout_seconds?: number;
}

/** Input of `await-approval`: the run's reference and the token of the task that waits. */
export interface ApprovalWait extends OperationRef {
  task_token: string;
}
export interface PlannedLayer {
  /** 1-based position in the walk (for a downward walk, 1 is the deepest layer). */
  layer: number;
  stacks: string[];
}
/**
 * What the steps need to know about the environment and the operation, read once by
 * `plan-operation` and carried in the execution's state instead of being read again by
 * every step: none of it changes while the operation holds the environment (settings
 * change only on a settled environment). A payload without it (an execution started before
 * it was carried) makes the steps read the records, as they used to.
 */
export interface RunContext {
  environment: { name: string; region: string; account_id: string; parameters: ResolvedParameters };
  /** The operation's attempt (it seeds the simulation). */
  attempt: number;
  /**
   * Set by `start-layer` for the stacks of its layer: the outputs of the stacks they depend
   * on, by stack name (dependants consume them, e.g. database-rds uses network's subnets).
   */
  outputs?: Record<string, Record<string, unknown>>;
}
/** Output of `plan-operation`. */
export interface OperationPlan extends OperationRef {
  kind: OperationKindValue;
  layers: PlannedLayer[];
  run?: RunContext;
}
/** `walk` is the operation itself; `rollback` undoes what a failed provision created. */
export type Phase = 'walk' | 'rollback';
/** Input and output of `start-layer` (its output keeps only the stacks that may run). */
export interface LayerInput extends OperationRef {
  kind: OperationKindValue;
  phase: Phase;
  layer: number;
  stacks: string[];
  /** In a rollback: the stacks whose creation failed (they have nothing to delete). */
  failed_stacks?: string[];
  run?: RunContext;
}
/** Input of `start-stack` (the ASL gives it only these, whatever else the stack's state holds). */
export interface StackInput extends OperationRef {
  kind: OperationKindValue;
  phase: Phase;
  layer: number;
  stack: string;
}
/**
 * Input of `complete-stack`: the stack's state, with the run context and what `start-stack`
 * returned (the ASL keeps its `wait_seconds` under `started`; an execution started before
 * did not carry `run` and gave `complete-stack` the output of `start-stack` itself).
 */
export interface StackStarted extends StackInput {
  run?: RunContext;
  started?: { wait_seconds: number };
  wait_seconds?: number;
}
/** Input of `fail-stack`: the stack's payload plus the error the state machine caught. */
export interface StackFailureInput extends StackStarted {
  error?: { Error?: string; Cause?: string } | undefined;
}
/** Output of `settle-operation`, input of the rollback and of `finalize-operation`. */
export interface Settlement extends OperationRef {
  kind: OperationKindValue;
  status: 'succeeded' | 'failed' | 'cancelled';
  error: string | null;
  /** The stacks that failed in the walk (before any rollback). */
  failed_stacks: string[];
  needs_rollback: boolean;
  rollback_layers: PlannedLayer[];
  run?: RunContext;
}
/** Input of `fail-operation` (the catch-all): whatever the failing state had, plus the error. */
export interface FailureInput extends OperationRef {
  error?: { Error?: string; Cause?: string } | undefined;
}

/** A Step Functions "Execution Status Change" event, as EventBridge delivers it (its `detail`). */
export interface ExecutionStatusChange {
  status: string;
  name: string;
  /** The execution's input (JSON), when the event carries it. */
  input?: string | null;
  error?: string | null;
  cause?: string | null;
}
