/**
 * Payloads exchanged between the state machines (`statemachines/*.asl.json`) and the
 * Lambda steps. The ASL passes them through unchanged (each task's `OutputPath` is
 * `$.Payload`), so these shapes are the workflow's data contract. They are defined
 * in the domain (`domain/workflow/contracts.ts`, and the deployments' use cases) and
 * re-exported here for the adapters.
 */

export type {
  BatchInput,
  BatchStarted,
  DeploymentRef,
  FinishInput,
  RollbackInput,
  RollbackPlan,
  RolloutPlan,
} from '../domain/use-cases/deployments.ts';
export type {
  FailureInput,
  LayerInput,
  OperationPlan,
  OperationRef,
  Phase,
  PlannedLayer,
  RunContext,
  Settlement,
  StackFailureInput,
  StackInput,
  StackStarted,
} from '../domain/workflow/contracts.ts';
