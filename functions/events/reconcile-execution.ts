/**
 * EventBridge target: Step Functions "Execution Status Change" events for executions
 * that FAILED, TIMED_OUT or were ABORTED. Settles records the workflow could not settle
 * itself, so nothing stays `provisioning` (or a deployment `running`) forever. In local
 * mode the Step Functions stand-in emits the same events to this same handler.
 *
 * Executions are named after what they run: an operation id (`op_…`) or, for rollouts,
 * a deployment id (`dep_…`).
 */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { deploymentStepDeps, reconcilerDeps } from '../app/dependencies.ts';
import { reconcileDeployment } from '../domain/use-cases/deployments.ts';
import type { ExecutionStatusChange } from '../domain/workflow/contracts.ts';
import { reconcileExecution } from '../domain/workflow/reconciler.ts';
import { withLogContext } from '../platform/observability.ts';

export const handler = (
  event: EventBridgeEvent<'Step Functions Execution Status Change', ExecutionStatusChange>,
  context?: Context,
) => {
  const change = event.detail;
  const isDeployment = change.name.startsWith('dep_');
  // The execution's name is the id of what it runs: the run's correlation id.
  const keys: Record<string, string> = isDeployment
    ? { deployment_id: change.name }
    : { operation_id: change.name };
  return withLogContext(context, change.name, { ...keys, execution_status: change.status }, () =>
    isDeployment
      ? reconcileDeployment(deploymentStepDeps, change, change.name)
      : reconcileExecution(reconcilerDeps, change),
  );
};
