import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFunctionsWorkflowStarter } from '../../../functions/app/workflow-starter.ts';

const sfn = mockClient(SFNClient);
const ref = { environment_id: 'env_1', operation_id: 'op_1' };

beforeEach(() => sfn.reset());

describe('StepFunctionsWorkflowStarter', () => {
  it.each([
    ['provision', 'PROVISION_STATE_MACHINE_ARN'],
    ['update', 'PROVISION_STATE_MACHINE_ARN'],
    ['start', 'PROVISION_STATE_MACHINE_ARN'],
    ['destroy', 'DESTROY_STATE_MACHINE_ARN'],
    ['stop', 'DESTROY_STATE_MACHINE_ARN'],
  ] as const)('runs %s on the machine from %s, named after the operation', async (kind, variable) => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x' });
    await new StepFunctionsWorkflowStarter().start(kind, ref);
    const input = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ stateMachineArn: process.env[variable], name: 'op_1' });
    expect(JSON.parse(input?.input ?? '{}')).toEqual(ref);
  });

  it('treats an execution that already exists as started (a repeated start runs nothing twice)', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(new StepFunctionsWorkflowStarter().start('provision', ref)).resolves.toBeUndefined();
  });
});
