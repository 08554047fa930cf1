/**
 * EventBridge target: Step Functions "Execution Status Change" events for executions
 * that FAILED, TIMED_OUT or were ABORTED. Settles records the workflow could not settle
 * itself, so nothing stays `provisioning` (or a deployment `running`) forever. In local
 * mode the Step Functions stand-in emits the same events to this same handler.
 *
 * Executions are named after what they run: an operation id (`op_…`) or, for rollouts,
 * a deployment id (`dep_…`).
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { reconcileDeployment } from '../domain/services/deployments.ts';
import { type ExecutionStatusChange, reconcileExecution } from '../domain/services/workflow.ts';
import { deploymentStepDeps, workflowDeps } from '../shared/dependencies.ts';

export const handler = (
  event: EventBridgeEvent<'Step Functions Execution Status Change', ExecutionStatusChange>,
) => {
  const change = event.detail;
  if (change.name.startsWith('dep_')) return reconcileDeployment(deploymentStepDeps, change, change.name);
  return reconcileExecution(workflowDeps, change);
};
