/**
 * The local Step Functions' callback pattern (`lambda:invoke.waitForTaskToken`), which
 * aws-local-stepfunctions does not implement: `$$.Task.Token` reaches the Lambda, the task
 * waits for SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat sent with
 * `@aws-sdk/client-sfn` to the local endpoint (AWS's errors for bad tokens), its
 * `TimeoutSeconds` and `HeartbeatSeconds`, StopExecution while it waits, and a restart of
 * the stand-in while it waits (a new token; the old one is refused).
 */
import {
  InvalidOutput,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type {
  LambdaHandler,
  LocalStepFunctions,
  LocalStepFunctionsOptions,
} from '../../local/stepfunctions.ts';
import { useLocalStepFunctions } from './stepfunctions-support.ts';

const { start, tempDir } = useLocalStepFunctions('task-tokens-test');

/** What the `notify` Lambda received, in order, and a way to wait for the next call. */
function notifyFunction(): { handler: LambdaHandler; calls: unknown[]; next: () => Promise<unknown> } {
  const calls: unknown[] = [];
  const waiting: ((event: unknown) => void)[] = [];
  let seen = 0;
  const handler: LambdaHandler = async (event) => {
    calls.push(event);
    waiting.shift()?.(event);
    return { ignored: 'the task result is what SendTaskSuccess answers' };
  };
  const next = (): Promise<unknown> => {
    const index = seen++;
    if (index < calls.length) return Promise.resolve(calls[index]);
    return new Promise((resolve) => waiting.push(resolve));
  };
  return { handler, calls, next };
}

const tokenOf = (event: unknown): string => (event as { token: string }).token;

/** A callback task `Await` (the extra fields merged into it), then `Done`; a Catch goes to `Rejected`. */
function callbackMachine(task: Record<string, unknown> = {}): LocalStepFunctionsOptions['stateMachines'] {
  return [
    {
      name: 'approval',
      definition: {
        StartAt: 'Await',
        States: {
          Await: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: {
              FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:notify',
              Payload: { 'token.$': '$$.Task.Token', 'request.$': '$.request' },
            },
            ResultPath: '$.answer',
            Next: 'Done',
            ...task,
          },
          Done: { Type: 'Succeed' },
          // Only when a Catch leads there (asl-validator refuses unreachable states).
          ...(task.Catch ? { Rejected: { Type: 'Pass', End: true } } : {}),
        },
      },
    },
  ];
}

/** Starts the stand-in with `callbackMachine()` (or `options.stateMachines`) and one execution. */
async function startWaiting(
  options: LocalStepFunctionsOptions = {},
  input = '{"request":"destroy"}',
): Promise<{
  sfn: LocalStepFunctions;
  client: SFNClient;
  notify: ReturnType<typeof notifyFunction>;
  executionArn: string;
}> {
  const notify = notifyFunction();
  const { sfn, client } = await start({
    stateMachines: callbackMachine(),
    ...options,
    functions: { notify: notify.handler },
  });
  const { executionArn } = await client.send(
    new StartExecutionCommand({
      stateMachineArn: sfn.stateMachineArns.approval,
      name: 'destroy-1',
      input,
    }),
  );
  return { sfn, client, notify, executionArn: executionArn ?? '' };
}

describe('a .waitForTaskToken task', () => {
  it('gives the Lambda a token and resumes with the output SendTaskSuccess sends', async () => {
    const { sfn, client, notify, executionArn } = await startWaiting();

    const received = await notify.next();
    const token = tokenOf(received);
    const whileWaiting = sfn.describeExecution(executionArn);
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved_by":"ada"}' }));
    const done = await sfn.waitForExecution(executionArn, 5000);

    expect(received).toEqual({ token, request: 'destroy' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(whileWaiting.status).toBe('RUNNING');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual({ request: 'destroy', answer: { approved_by: 'ada' } });
    // Answered: the token is then unknown.
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('fails with the error and cause of SendTaskFailure, which a Catch matches', async () => {
    const { sfn, client, notify, executionArn } = await startWaiting({
      stateMachines: callbackMachine({
        Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.rejection', Next: 'Rejected' }],
      }),
    });

    const token = tokenOf(await notify.next());
    await client.send(
      new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'not on a Friday' }),
    );
    const done = await sfn.waitForExecution(executionArn, 5000);

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual({
      request: 'destroy',
      rejection: { Error: 'Rejected', Cause: 'not on a Friday' },
    });
  });

  it('fails the execution with an uncaught SendTaskFailure', async () => {
    const { sfn, notify, executionArn } = await startWaiting();

    sfn.sendTaskFailure(tokenOf(await notify.next()), 'Rejected', 'no');
    const done = await sfn.waitForExecution(executionArn, 5000);

    expect(done).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'no' });
  });

  it('fails like a Lambda task when the Lambda fails, and its token is then unknown', async () => {
    const tokens: string[] = [];
    const { sfn, client } = await start({
      stateMachines: callbackMachine(),
      functions: {
        notify: async (event) => {
          tokens.push(tokenOf(event));
          throw Object.assign(new Error('mail server down'), { name: 'MailError' });
        },
      },
    });
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.approval, input: '{"request":"x"}' }),
    );

    const done = await sfn.waitForExecution(executionArn ?? '', 5000);

    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('MailError');
    expect(JSON.parse(done.cause ?? '')).toMatchObject({
      errorType: 'MailError',
      errorMessage: 'mail server down',
    });
    expect(tokens).toHaveLength(1);
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('answers AWS errors for a malformed token, an unknown one and output that is not JSON', async () => {
    const { sfn, client, notify, executionArn } = await startWaiting();
    const token = tokenOf(await notify.next());

    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })),
    ).rejects.toBeInstanceOf(InvalidToken);
    await expect(
      client.send(new SendTaskHeartbeatCommand({ taskToken: 'A'.repeat(86) })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
    await expect(
      client.send(new SendTaskFailureCommand({ taskToken: 'A'.repeat(86), error: 'X' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{not json' })),
    ).rejects.toBeInstanceOf(InvalidOutput);
    expect(() => sfn.sendTaskSuccess(token, '{')).toThrow(expect.objectContaining({ code: 'InvalidOutput' }));
    // Output over 256 KiB is refused by the length constraint, before the token is looked at.
    expect(() => sfn.sendTaskSuccess(token, JSON.stringify('x'.repeat(256 * 1024)))).toThrow(
      expect.objectContaining({ code: 'ValidationException' }),
    );

    // None of them answered the task.
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    sfn.sendTaskSuccess(token, '"ok"');
    expect((await sfn.waitForExecution(executionArn, 5000)).status).toBe('SUCCEEDED');
  });
});

describe('callback tasks in a Map', () => {
  it('gives each iteration its own token, and the Map ends once every one is answered', async () => {
    const notify = notifyFunction();
    const { sfn } = await start({
      stateMachines: [
        {
          name: 'approvals',
          definition: {
            StartAt: 'EachApprover',
            States: {
              EachApprover: {
                Type: 'Map',
                ItemsPath: '$.approvers',
                ItemProcessor: {
                  ProcessorConfig: { Mode: 'INLINE' },
                  StartAt: 'Ask',
                  States: {
                    Ask: {
                      Type: 'Task',
                      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
                      Parameters: {
                        FunctionName: 'notify',
                        Payload: { 'token.$': '$$.Task.Token', 'request.$': '$' },
                      },
                      End: true,
                    },
                  },
                },
                End: true,
              },
            },
          },
        },
      ],
      functions: { notify: notify.handler },
    });
    const { executionArn } = sfn.startExecution({
      stateMachineArn: sfn.stateMachineArns.approvals ?? '',
      input: '{"approvers":["ada","grace"]}',
    });

    const calls = [await notify.next(), await notify.next()] as { token: string; request: string }[];
    const byApprover = Object.fromEntries(calls.map((call) => [call.request, call.token]));
    sfn.sendTaskSuccess(byApprover.grace ?? '', '"yes from grace"');
    const afterOne = sfn.describeExecution(executionArn).status;
    sfn.sendTaskSuccess(byApprover.ada ?? '', '"yes from ada"');
    const done = await sfn.waitForExecution(executionArn, 5000);

    expect(Object.keys(byApprover).sort()).toEqual(['ada', 'grace']);
    expect(byApprover.ada).not.toBe(byApprover.grace);
    expect(afterOne).toBe('RUNNING');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual(['yes from ada', 'yes from grace']);
  });
});

describe('timeouts of a .waitForTaskToken task', () => {
  it('fails with States.Timeout after TimeoutSeconds, and the token then answers TaskTimedOut', async () => {
    const { sfn, client, notify, executionArn } = await startWaiting({
      stateMachines: callbackMachine({ TimeoutSeconds: 30 }),
      // 30 s → 300 ms.
      callbackTimeoutScale: 0.01,
    });
    const token = tokenOf(await notify.next());

    const done = await sfn.waitForExecution(executionArn, 5000);

    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('stays alive while heartbeats arrive within HeartbeatSeconds, then fails with States.HeartbeatTimeout', async () => {
    const { sfn, client, notify, executionArn } = await startWaiting({
      // Heartbeat 60 s → 600 ms; the task's own timeout (1 h → 36 s) is far away.
      stateMachines: callbackMachine({ TimeoutSeconds: 3600, HeartbeatSeconds: 60 }),
      callbackTimeoutScale: 0.01,
    });
    const token = tokenOf(await notify.next());

    // Six heartbeats 150 ms apart: 900 ms in all, well past one heartbeat period.
    for (let beat = 0; beat < 6; beat++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    }
    const aliveAfterHeartbeats = sfn.describeExecution(executionArn).status;
    const done = await sfn.waitForExecution(executionArn, 5000);

    expect(aliveAfterHeartbeats).toBe('RUNNING');
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    await expect(client.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
  });

  it('takes TimeoutSeconds from the state input with TimeoutSecondsPath', async () => {
    const { sfn, notify, executionArn } = await startWaiting(
      {
        stateMachines: callbackMachine({ TimeoutSecondsPath: '$.approvalTimeoutSeconds' }),
        callbackTimeoutScale: 0.01,
      },
      '{"request":"destroy","approvalTimeoutSeconds":20}',
    );
    const received = await notify.next();

    const startedAt = Date.now();
    const done = await sfn.waitForExecution(executionArn, 5000);

    // The Lambda gets what the state's Parameters say, nothing the stand-in added.
    expect(received).toEqual({ token: tokenOf(received), request: 'destroy' });
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });

  it('retries a timed-out attempt with a new token', async () => {
    const { sfn, notify, executionArn } = await startWaiting({
      stateMachines: callbackMachine({
        TimeoutSeconds: 20,
        Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 1, IntervalSeconds: 1 }],
      }),
      callbackTimeoutScale: 0.01,
      retryIntervalOverrideMs: 0,
    });
    const first = tokenOf(await notify.next());

    const second = tokenOf(await notify.next());
    sfn.sendTaskSuccess(second, '{"second":true}');
    const done = await sfn.waitForExecution(executionArn, 5000);

    expect(second).not.toBe(first);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual({ request: 'destroy', answer: { second: true } });
    expect(() => sfn.sendTaskSuccess(first, '{}')).toThrow(expect.objectContaining({ code: 'TaskTimedOut' }));
  });
});

describe('a waiting execution', () => {
  it('ends ABORTED on StopExecution, and its token is then unknown', async () => {
    const { sfn, client, notify, executionArn } = await startWaiting();
    const token = tokenOf(await notify.next());

    await client.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'by ada' }));
    const done = await sfn.waitForExecution(executionArn, 5000);

    expect(done).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'by ada' });
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
    expect(notify.calls).toHaveLength(1);
  });

  it('survives a restart: the re-run delivers a new token, the old one is refused, the new one completes it', async () => {
    const dir = await tempDir();
    const first = await startWaiting({ dir });
    const oldToken = tokenOf(await first.notify.next());
    await first.sfn.stop();

    const notify = notifyFunction();
    const second = await start({
      stateMachines: callbackMachine(),
      dir,
      functions: { notify: notify.handler },
    });
    const received = await notify.next();
    const newToken = tokenOf(received);

    expect(received).toEqual({ token: newToken, request: 'destroy' });
    expect(newToken).not.toBe(oldToken);
    await expect(
      second.client.send(new SendTaskSuccessCommand({ taskToken: oldToken, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
    expect(second.sfn.describeExecution(first.executionArn).status).toBe('RUNNING');
    await second.client.send(
      new SendTaskSuccessCommand({ taskToken: newToken, output: '{"approved":true}' }),
    );
    const done = await second.sfn.waitForExecution(first.executionArn, 5000);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual({ request: 'destroy', answer: { approved: true } });
  });
});
