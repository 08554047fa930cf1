/**
 * Starts operation workflows on Step Functions. The execution name is the operation id,
 * so starting the same operation twice cannot run it twice: Step Functions answers a
 * repeated name with the same input as a success (running execution) or
 * `ExecutionAlreadyExists`, both of which mean "already started".
 */
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { DeploymentStarter, WorkflowStarter } from '../domain/ports.ts';
import type { OperationKindValue } from '../domain/vocabulary.ts';
import type { OperationRef } from '../domain/workflow/contracts.ts';
import { stepFunctions as sfn } from '../platform/clients.ts';
import { deployConfig, workflowConfig } from '../platform/config.ts';

export class StepFunctionsWorkflowStarter implements WorkflowStarter {
  async start(kind: OperationKindValue, ref: OperationRef): Promise<void> {
    const config = workflowConfig();
    // Upward walks (provision, update, start; with rollback) run on the provision machine,
    // downward walks (destroy, stop, delete_stacks) on the destroy machine.
    const downward = kind === 'destroy' || kind === 'stop' || kind === 'delete_stacks';
    const stateMachineArn = downward ? config.DESTROY_STATE_MACHINE_ARN : config.PROVISION_STATE_MACHINE_ARN;
    try {
      await sfn().send(
        new StartExecutionCommand({
          stateMachineArn,
          name: ref.operation_id,
          input: JSON.stringify({
            environment_id: ref.environment_id,
            operation_id: ref.operation_id,
            ...(ref.approval_timeout_seconds !== undefined
              ? { approval_timeout_seconds: ref.approval_timeout_seconds }
              : {}),
          }),
        }),
      );
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }
}

/** Starts rollouts on `deploy-release`; the execution name is the deployment id. */
export class StepFunctionsDeploymentStarter implements DeploymentStarter {
  async start(ref: { environment_id: string; deployment_id: string }): Promise<void> {
    try {
      await sfn().send(
        new StartExecutionCommand({
          stateMachineArn: deployConfig().DEPLOY_STATE_MACHINE_ARN,
          name: ref.deployment_id,
          input: JSON.stringify({ environment_id: ref.environment_id, deployment_id: ref.deployment_id }),
        }),
      );
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }
}
