/**
 * The local Step Functions: the AWS JSON protocol as `@aws-sdk/client-sfn` speaks it,
 * AWS's execution semantics (names, idempotency, stop), and the repository's provision ASL
 * run with stand-in step handlers (nested Maps, ItemSelector, Wait SecondsPath, Retry with
 * jitter, Catch with ResultPath), and executions kept on disk across instances.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidName,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createLocalStepFunctions,
  type LambdaHandler,
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
} from '../../local/stepfunctions.ts';

const started: LocalStepFunctions[] = [];
const clients: SFNClient[] = [];
const tempDirs: string[] = [];

async function start(
  options: LocalStepFunctionsOptions,
): Promise<{ sfn: LocalStepFunctions; client: SFNClient }> {
  const sfn = await createLocalStepFunctions({ quiet: true, ...options });
  started.push(sfn);
  const client = new SFNClient({
    endpoint: sfn.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  clients.push(client);
  return { sfn, client };
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const sfn of started.splice(0)) await sfn.stop();
});
afterAll(async () => {
  for (const sfn of started.splice(0)) await sfn.stop();
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stepfunctions-test-'));
  tempDirs.push(dir);
  return dir;
}

/** The execution records on disk, as JSON, and any other file left in the directory. */
async function storedExecutions(
  dir: string,
): Promise<{ records: Record<string, unknown>[]; others: string[] }> {
  const entries = await readdir(join(dir, 'executions'));
  const records: Record<string, unknown>[] = [];
  for (const entry of entries.filter((e) => e.endsWith('.json'))) {
    records.push(
      JSON.parse(await readFile(join(dir, 'executions', entry), 'utf8')) as Record<string, unknown>,
    );
  }
  return { records, others: entries.filter((e) => !e.endsWith('.json')) };
}

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const namedError = (name: string, message: string): Error => {
  const error = new Error(message);
  error.name = name;
  return error;
};

/** A one-task machine calling `hold`, then an optional `after` task. */
const holdMachine = {
  StartAt: 'Hold',
  States: {
    Hold: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL placeholder, substituted like CDK's definitionSubstitutions
      Parameters: { FunctionName: '${HoldFunctionArn}', 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 30, Next: 'After' },
    After: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL placeholder, substituted like CDK's definitionSubstitutions
      Parameters: { FunctionName: '${AfterFunctionArn}', 'Payload.$': '$' },
      OutputPath: '$.Payload',
      End: true,
    },
  },
};
const holdSubstitutions = {
  HoldFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:hold',
  AfterFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:after',
};

interface Call {
  fn: string;
  input: Record<string, unknown>;
  at: number;
}

/** Stand-ins for the six steps, recording every call, with an optional failure injected. */
function fakeSteps(
  options: { failStack?: string; throttleStartLayerOnce?: boolean; waitSeconds?: number } = {},
) {
  const calls: Call[] = [];
  let throttled = false;
  const record =
    (fn: string, body: (input: Record<string, unknown>) => unknown): LambdaHandler =>
    async (event) => {
      const input = event as Record<string, unknown>;
      calls.push({ fn, input, at: Date.now() });
      return body(input);
    };
  const functions: Record<string, LambdaHandler> = {
    'plan-operation': record('plan-operation', (input) => ({
      ...input,
      kind: 'provision',
      layers: [
        { layer: 1, stacks: ['network', 'secrets'] },
        { layer: 2, stacks: ['security', 'dns'] },
      ],
    })),
    'start-layer': record('start-layer', (input) => {
      if (options.throttleStartLayerOnce && !throttled) {
        throttled = true;
        throw namedError('Lambda.ServiceException', 'Rate exceeded');
      }
      return input;
    }),
    'start-stack': record('start-stack', (input) => ({ ...input, wait_seconds: options.waitSeconds ?? 0 })),
    'complete-stack': record('complete-stack', (input) => {
      if (input.stack === options.failStack) throw namedError('StackFailed', `Stack ${input.stack} failed`);
      return { ...input, done: true };
    }),
    'finalize-operation': record('finalize-operation', (input) => ({ ...input, finalized: true })),
    'fail-operation': record('fail-operation', (input) => ({ ...input, recorded: true })),
  };
  return { calls, functions };
}

describe('the provision ASL, run locally', () => {
  it('walks layers in order, stacks of a layer in parallel, waits SecondsPath, retries Lambda errors', async () => {
    const steps = fakeSteps({ throttleStartLayerOnce: true, waitSeconds: 1 });
    const { sfn, client } = await start({ functions: steps.functions });
    const stateMachineArn = sfn.stateMachineArns['provision-environment'];
    expect(stateMachineArn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:provision-environment');

    const began = Date.now();
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: 'op_provision',
        input: JSON.stringify({ environment_id: 'env_1', operation_id: 'op_provision' }),
      }),
    );
    expect(executionArn).toBe(
      'arn:aws:states:us-east-1:000000000000:execution:provision-environment:op_provision',
    );
    // Executions run in the background: StartExecution answers at once.
    expect(sfn.describeExecution(executionArn ?? '').status).toBe('RUNNING');

    const done = await sfn.waitForExecution(executionArn ?? '', 30_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({ finalized: true, environment_id: 'env_1' });
    // Two layers, each with a real 1 s Wait.
    expect(Date.now() - began).toBeGreaterThanOrEqual(2000);

    // ItemSelector + $$.Map.Item.Value build each stack's input.
    const startStack = steps.calls.filter((c) => c.fn === 'start-stack');
    expect(startStack.map((c) => c.input)).toEqual(
      expect.arrayContaining([
        {
          environment_id: 'env_1',
          operation_id: 'op_provision',
          kind: 'provision',
          layer: 1,
          stack: 'network',
        },
        { environment_id: 'env_1', operation_id: 'op_provision', kind: 'provision', layer: 2, stack: 'dns' },
      ]),
    );
    // MaxConcurrency 0: both stacks of layer 1 start before either completes.
    const at = (fn: string, stack: string) =>
      steps.calls.find((c) => c.fn === fn && c.input.stack === stack)?.at ?? Number.NaN;
    expect(Math.max(at('start-stack', 'network'), at('start-stack', 'secrets'))).toBeLessThan(
      Math.min(at('complete-stack', 'network'), at('complete-stack', 'secrets')),
    );
    // MaxConcurrency 1: layer 2 starts only after every stack of layer 1 completed.
    expect(Math.min(at('start-stack', 'security'), at('start-stack', 'dns'))).toBeGreaterThan(
      Math.max(at('complete-stack', 'network'), at('complete-stack', 'secrets')),
    );
    // The throttled StartLayer was retried (Retry with JitterStrategy FULL), not failed.
    expect(steps.calls.filter((c) => c.fn === 'start-layer')).toHaveLength(3);
    expect(sfn.executionEvents(executionArn ?? '').some((e) => e.type === 'StateRetried')).toBe(true);
    expect(steps.calls.some((c) => c.fn === 'fail-operation')).toBe(false);

    const history = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events?.[0]?.type).toBe('ExecutionStarted');
    expect(history.events?.at(-1)?.type).toBe('ExecutionSucceeded');
  });

  it('catches a step error by its Lambda error name and hands it to RecordFailure (ResultPath $.error)', async () => {
    const steps = fakeSteps({ failStack: 'dns' });
    const { sfn, client } = await start({ functions: steps.functions });
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: sfn.stateMachineArns['provision-environment'],
        input: JSON.stringify({ environment_id: 'env_2', operation_id: 'op_2' }),
      }),
    );
    await sfn.waitForExecution(executionArn ?? '', 30_000);

    const failure = steps.calls.find((c) => c.fn === 'fail-operation');
    expect(failure?.input).toMatchObject({
      environment_id: 'env_2',
      operation_id: 'op_2',
      kind: 'provision',
    });
    const error = failure?.input.error as { Error: string; Cause: string };
    expect(error.Error).toBe('StackFailed');
    // Like Lambda: the cause is the JSON error payload.
    expect(JSON.parse(error.Cause)).toMatchObject({
      errorType: 'StackFailed',
      errorMessage: 'Stack dns failed',
    });
    expect(steps.calls.some((c) => c.fn === 'finalize-operation')).toBe(false);

    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('ProvisionFailed');
    expect(described.stopDate).toBeInstanceOf(Date);
  });
});

describe('the AWS JSON endpoint', () => {
  it('makes StartExecution idempotent by name while running, and refuses a different input', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { sfn, client } = await start({
      stateMachines: [{ name: 'hold', definition: JSON.stringify(holdMachine) }],
      substitutions: holdSubstitutions,
      waitOverrideMs: 0,
      functions: {
        hold: async (event) => {
          await gate;
          return { held: event };
        },
        after: async (event) => event,
      },
    });
    const stateMachineArn = sfn.stateMachineArns.hold;
    const first = await client.send(
      new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: '{"a":1}' }),
    );
    const again = await client.send(
      new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: '{"a":1}' }),
    );
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());

    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: '{"a":2}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    release();
    const done = await sfn.waitForExecution(first.executionArn ?? '');
    expect(done.status).toBe('SUCCEEDED');
    const described = await client.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'run-1', input: '{"a":1}' });
    expect(JSON.parse(described.output ?? 'null')).toEqual({ held: { a: 1 } });

    // A closed execution's name cannot be reused, even with the same input.
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: '{"a":1}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(listed.executions?.map((e) => [e.name, e.status])).toEqual([['run-1', 'SUCCEEDED']]);
  });

  it('answers AWS errors for bad names, unknown machines and unknown executions', async () => {
    const { sfn, client } = await start({
      stateMachines: [{ name: 'hold', definition: holdMachine }],
      substitutions: holdSubstitutions,
      functions: { hold: async (event) => event, after: async (event) => event },
    });
    await expect(
      client.send(
        new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.hold, name: 'bad name' }),
      ),
    ).rejects.toBeInstanceOf(InvalidName);
    await expect(
      client.send(
        new StartExecutionCommand({
          stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:nope',
        }),
      ),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      client.send(
        new DescribeExecutionCommand({
          executionArn: 'arn:aws:states:us-east-1:000000000000:execution:hold:nope',
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });

  it('stops a running execution: ABORTED, and no later state runs', async () => {
    const afterCalls: unknown[] = [];
    const { sfn, client } = await start({
      stateMachines: [{ name: 'hold', definition: holdMachine }],
      substitutions: holdSubstitutions,
      functions: {
        hold: async (event) => event,
        after: async (event) => {
          afterCalls.push(event);
          return event;
        },
      },
    });
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.hold, input: '{}' }),
    );
    // Let it reach the 30 s Wait.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = await client.send(
      new StopExecutionCommand({ executionArn, error: 'UserCancelled', cause: 'Cancelled by the test' }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({
      status: 'ABORTED',
      error: 'UserCancelled',
      cause: 'Cancelled by the test',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(afterCalls).toEqual([]);
  });

  it('fails an execution with the error a step throws when nothing catches it', async () => {
    const { sfn, client } = await start({
      stateMachines: [{ name: 'hold', definition: holdMachine }],
      substitutions: {
        ...holdSubstitutions,
        AfterFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:missing',
      },
      waitOverrideMs: 0,
      functions: {
        hold: async () => {
          throw new TypeError('bad input');
        },
      },
    });
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.hold, input: '{}' }),
    );
    const done = await sfn.waitForExecution(executionArn ?? '');
    expect(done).toMatchObject({ status: 'FAILED', error: 'TypeError' });
    expect(JSON.parse(done.cause ?? '{}')).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'bad input',
    });
  });

  it('reports a function that does not exist as Lambda.ResourceNotFoundException', async () => {
    const { sfn } = await start({
      stateMachines: [{ name: 'hold', definition: holdMachine }],
      substitutions: {
        ...holdSubstitutions,
        AfterFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:missing',
      },
      waitOverrideMs: 0,
      functions: { hold: async (event) => event },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn: sfn.stateMachineArns.hold ?? '' });
    const done = await sfn.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Lambda.ResourceNotFoundException' });
  });

  it('times a step out like Lambda (Sandbox.Timedout)', async () => {
    const { sfn } = await start({
      stateMachines: [{ name: 'hold', definition: holdMachine }],
      substitutions: holdSubstitutions,
      taskTimeoutMs: 50,
      functions: { hold: () => new Promise((resolve) => setTimeout(resolve, 1000)) },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn: sfn.stateMachineArns.hold ?? '' });
    const done = await sfn.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Sandbox.Timedout' });
    expect(JSON.parse(done.cause ?? '{}').errorMessage).toMatch(/Task timed out after 0\.05 seconds/);
  });

  it('refuses definitions with an unresolved placeholder', async () => {
    await expect(
      createLocalStepFunctions({ quiet: true, stateMachines: [{ name: 'hold', definition: holdMachine }] }),
    ).rejects.toThrow(/HoldFunctionArn/);
  });
});

describe('executions kept on disk (dir)', () => {
  const holdSource = {
    stateMachines: [{ name: 'hold', definition: holdMachine }],
    substitutions: holdSubstitutions,
  };

  it('keeps closed executions across instances: Describe, List and the name stays taken', async () => {
    const dir = await tempDir();
    const first = await start({
      ...holdSource,
      dir,
      waitOverrideMs: 0,
      functions: { hold: async (event) => event, after: async (event) => ({ after: event }) },
    });
    const { executionArn } = await first.client.send(
      new StartExecutionCommand({
        stateMachineArn: first.sfn.stateMachineArns.hold,
        name: 'kept',
        input: '{"a":1}',
      }),
    );
    const done = await first.sfn.waitForExecution(executionArn ?? '');
    await first.sfn.stop();

    const second = await start({ ...holdSource, dir, functions: {} });
    const described = await second.client.send(new DescribeExecutionCommand({ executionArn }));
    const listed = await second.client.send(
      new ListExecutionsCommand({ stateMachineArn: second.sfn.stateMachineArns.hold }),
    );

    expect(done.status).toBe('SUCCEEDED');
    expect(second.sfn.describeExecution(executionArn ?? '')).toEqual(done);
    expect(described).toMatchObject({
      executionArn,
      name: 'kept',
      status: 'SUCCEEDED',
      input: '{"a":1}',
      output: '{"after":{"a":1}}',
      startDate: done.startDate,
      stopDate: done.stopDate,
    });
    expect(listed.executions?.map((e) => [e.executionArn, e.status])).toEqual([[executionArn, 'SUCCEEDED']]);
    await expect(
      second.client.send(
        new StartExecutionCommand({
          stateMachineArn: second.sfn.stateMachineArns.hold,
          name: 'kept',
          input: '{"a":1}',
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    // One file per execution, written through a temp file that is renamed over it.
    const stored = await storedExecutions(dir);
    expect(stored.others).toEqual([]);
    expect(stored.records).toEqual([
      expect.objectContaining({ executionArn, status: 'SUCCEEDED', startDate: done.startDate.toISOString() }),
    ]);
  });

  it('re-runs an execution the stopped instance left RUNNING: same ARN, name and start, fresh history', async () => {
    const dir = await tempDir();
    const blocked = gate();
    const reached = gate();
    const first = await start({
      ...holdSource,
      dir,
      functions: {
        hold: async (event) => {
          reached.open();
          await blocked.promise;
          return event;
        },
        after: async (event) => event,
      },
    });
    const { executionArn, startDate } = first.sfn.startExecution({
      stateMachineArn: first.sfn.stateMachineArns.hold ?? '',
      name: 'interrupted',
      input: '{"op":"op_1"}',
    });
    await reached.promise;
    await first.sfn.stop();
    const afterStop = await storedExecutions(dir);

    const calls: unknown[] = [];
    const second = await start({
      ...holdSource,
      dir,
      waitOverrideMs: 0,
      functions: {
        hold: async (event) => {
          calls.push(event);
          return event;
        },
        after: async (event) => ({ resumed: event }),
      },
    });
    const done = await second.sfn.waitForExecution(executionArn, 10_000);
    // The first instance's Lambda finishes late: a stopped instance writes nothing more.
    blocked.open();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const final = await storedExecutions(dir);

    // Stopping the stand-in is not StopExecution: still RUNNING, in memory and on disk.
    expect(first.sfn.describeExecution(executionArn).status).toBe('RUNNING');
    expect(afterStop.records).toEqual([
      {
        executionArn,
        stateMachineArn: first.sfn.stateMachineArns.hold,
        name: 'interrupted',
        status: 'RUNNING',
        startDate: startDate.toISOString(),
        input: '{"op":"op_1"}',
      },
    ]);
    expect(done).toMatchObject({
      executionArn,
      name: 'interrupted',
      status: 'SUCCEEDED',
      startDate,
      output: '{"resumed":{"op":"op_1"}}',
    });
    expect(calls).toEqual([{ op: 'op_1' }]);
    const events = second.sfn.executionEvents(executionArn);
    expect(events.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(final.records).toEqual([expect.objectContaining({ executionArn, status: 'SUCCEEDED' })]);
  });

  it('re-runs only once resumeAfter resolves, without holding up startup', async () => {
    const dir = await tempDir();
    const first = await start({
      ...holdSource,
      dir,
      functions: { hold: () => new Promise(() => undefined) },
    });
    const { executionArn } = first.sfn.startExecution({
      stateMachineArn: first.sfn.stateMachineArns.hold ?? '',
    });
    await first.sfn.stop();

    const ready = gate();
    const calls: unknown[] = [];
    const second = await start({
      ...holdSource,
      dir,
      waitOverrideMs: 0,
      resumeAfter: ready.promise,
      functions: {
        hold: async (event) => {
          calls.push(event);
          return event;
        },
        after: async (event) => event,
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const callsBeforeReady = calls.length;
    ready.open();
    const done = await second.sfn.waitForExecution(executionArn, 10_000);

    expect(callsBeforeReady).toBe(0);
    expect(done.status).toBe('SUCCEEDED');
  });

  it('keeps an execution StopExecution aborted ABORTED, and does not re-run it', async () => {
    const dir = await tempDir();
    const first = await start({
      ...holdSource,
      dir,
      functions: { hold: async (event) => event, after: async (event) => event },
    });
    const { executionArn } = first.sfn.startExecution({
      stateMachineArn: first.sfn.stateMachineArns.hold ?? '',
    });
    // Let it reach the 30 s Wait.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first.client.send(new StopExecutionCommand({ executionArn, error: 'UserCancelled' }));
    await first.sfn.stop();

    const calls: unknown[] = [];
    const second = await start({
      ...holdSource,
      dir,
      waitOverrideMs: 0,
      functions: {
        hold: async (event) => {
          calls.push(event);
          return event;
        },
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(second.sfn.describeExecution(executionArn)).toMatchObject({
      status: 'ABORTED',
      error: 'UserCancelled',
    });
    expect(calls).toEqual([]);
  });
});
