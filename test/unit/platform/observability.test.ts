/**
 * Observability at the entry points: a step function's log lines carry the Lambda context,
 * the run's correlation id and the ids of what the step is about; lifecycle events become
 * CloudWatch metrics in the embedded metric format.
 */
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emitEventMetrics } from '../../../functions/app/event-metrics.ts';
import { operationFinishedEvent, operationStartedEvent } from '../../../functions/domain/lifecycle-events.ts';
import type { EnvironmentRecord, OperationRecord } from '../../../functions/domain/model.ts';
import { logger } from '../../../functions/platform/observability.ts';
import { stepDispatcher } from '../../../functions/steps/dispatch.ts';

/** Every JSON line written to stdout while `act` runs. */
async function stdoutLines(act: () => Promise<unknown> | unknown): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const context = {
  functionName: 'operation-steps',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:operation-steps',
  memoryLimitInMB: '256',
  functionVersion: '$LATEST',
} as Context;

const environment = {
  id: 'env_01jd8x3k5m7n9p1q3r5s7t9v1w',
  project_id: 'prj_01jd8x3k5m7n9p1q3r5s7t9v1w',
  owner_id: 'user-1',
} as EnvironmentRecord;
const operation = {
  id: 'op_01jd8x3k5m7n9p1q3r5s7t9v1w',
  kind: 'provision',
  attempt: 1,
  requested_by: 'user-1',
  reason: null,
  started_at: '2026-11-30T10:00:00.000Z',
} as unknown as OperationRecord;

describe('a step function', () => {
  beforeEach(() => logger.setLogLevel('DEBUG'));
  afterEach(() => logger.setLogLevel('SILENT'));

  it('logs with the Lambda context, the operation as correlation id and the ids of the step', async () => {
    // Arrange
    const handler = stepDispatcher<'start-stack'>('operation-steps', {
      'start-stack': async (input: { stack: string }) => {
        logger.info('working on it', { stack: input.stack });
        return input;
      },
    });
    const input = { environment_id: environment.id, operation_id: operation.id, stack: 'network' };
    // Act
    const lines = await stdoutLines(() => handler({ step: 'start-stack', input }, context));
    // Assert
    const working = lines.find((line) => line.message === 'working on it');
    expect(working).toMatchObject({
      function_name: 'operation-steps',
      function_request_id: 'req-1',
      correlation_id: operation.id,
      step: 'start-stack',
      environment_id: environment.id,
      operation_id: operation.id,
      stack: 'network',
    });
    // The keys are the invocation's: the next line outside it has none of them.
    const after = await stdoutLines(() => logger.info('later'));
    expect(after[0]).not.toHaveProperty('step');
    expect(after[0]).not.toHaveProperty('correlation_id');
  });

  it('refuses a payload naming a step it does not have', async () => {
    const handler = stepDispatcher<'start-stack'>('operation-steps', {
      'start-stack': async (input) => input,
    });
    await expect(handler({ step: 'deploy-batch', input: {} }, context)).rejects.toMatchObject({
      name: 'UnknownStepError',
      message: 'Function operation-steps has no step "deploy-batch"',
    });
  });
});

describe('lifecycle events as metrics', () => {
  it('report operations started and finished, and how long a successful provision took', async () => {
    // Arrange
    const events = [
      operationStartedEvent(environment, operation),
      operationFinishedEvent(
        environment,
        operation,
        { status: 'succeeded', error: null },
        '2026-11-30T10:02:30.000Z',
      ),
    ];
    // Act
    const lines = await stdoutLines(() => emitEventMetrics(events));
    // Assert
    expect(lines).toHaveLength(1);
    const record = lines[0] as { _aws: { CloudWatchMetrics: { Namespace: string; Metrics: unknown[] }[] } };
    expect(record._aws.CloudWatchMetrics[0]?.Namespace).toBe('EnvProvisioning');
    expect(record._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'OperationsStarted', Unit: 'Count' },
      { Name: 'OperationsSucceeded', Unit: 'Count' },
      { Name: 'ProvisionsSucceeded', Unit: 'Count' },
      { Name: 'ProvisionDuration', Unit: 'Seconds' },
    ]);
    expect(record).toMatchObject({
      service: 'env-provisioning',
      OperationsStarted: 1,
      OperationsSucceeded: 1,
      ProvisionsSucceeded: 1,
      ProvisionDuration: 150,
    });
  });

  it('emit nothing for events that move no counter', async () => {
    const expiring = {
      ...operationStartedEvent(environment, operation),
      type: 'environment.expiring' as const,
    };
    expect(await stdoutLines(() => emitEventMetrics([expiring]))).toEqual([]);
  });
});
