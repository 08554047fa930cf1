/**
 * EventBridge target: Step Functions "Execution Status Change" events for executions
 * that FAILED, TIMED_OUT or were ABORTED. Settles records the workflow could not settle
 * itself, so nothing stays `provisioning` forever. In local mode the Step Functions
 * stand-in emits the same events to this same handler.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { type ExecutionStatusChange, reconcileExecution } from '../domain/services/workflow.ts';
import { workflowDeps } from '../shared/dependencies.ts';

export const handler = (
  event: EventBridgeEvent<'Step Functions Execution Status Change', ExecutionStatusChange>,
) => reconcileExecution(workflowDeps, event.detail);
