/**
 * The local Step Functions: the AWS JSON protocol as `@aws-sdk/client-sfn` speaks it,
 * AWS's execution semantics (names, idempotency, stop), and the repository's provision ASL
 * run with stand-in step handlers (nested Maps, ItemSelector, Wait SecondsPath, Retry with
 * jitter, Catch with ResultPath), executions kept on disk across instances, and the
 * EventBridge "Execution Status Change" events emitted for FAILED, TIMED_OUT and ABORTED.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidName,
  ListExecutionsCommand,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { handler as reconcileExecution } from '../../functions/events/reconcile-execution.ts';
import {
  createLocalStepFunctions,
  type ExecutionStatusChangeEvent,
  type LambdaHandler,
} from '../../local/stepfunctions.ts';
import { useLocalStepFunctions } from './stepfunctions-support.ts';

const { start, tempDir } = useLocalStepFunctions('stepfunctions-test');

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

/** Stand-ins for the eight steps, recording every call, with optional failures injected. */
function fakeSteps(
  options: {
    failStack?: string;
    failSettle?: boolean;
    throttleStartLayerOnce?: boolean;
    waitSeconds?: number;
  } = {},
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
  const steps: Record<string, LambdaHandler> = {
    'plan-operation': record('plan-operation', (input) => ({
      ...input,
      kind: 'provision',
      layers: [
        { layer: 1, stacks: ['network', 'secrets'] },
        { layer: 2, stacks: ['security', 'dns'] },
      ],
      // The run context the ASL carries down to the stacks' steps (opaque to it).
      run: { attempt: 1 },
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
    'fail-stack': record('fail-stack', (input) => ({ ...input, recorded: true })),
    'settle-operation': record('settle-operation', (input) => {
      if (options.failSettle) throw namedError('TypeError', 'Cannot read properties of undefined');
      return { ...input, needs_rollback: false, rollback_layers: [] };
    }),
    'finalize-operation': record('finalize-operation', (input) => ({ ...input, finalized: true })),
    'fail-operation': record('fail-operation', (input) => ({ ...input, recorded: true })),
  };
  // One function serves every step, as in AWS: the ASL names the step in the payload.
  const functions: Record<string, LambdaHandler> = {
    'operation-steps': (event, context) => {
      const { step, input } = event as { step: string; input: unknown };
      const fake = steps[step];
      if (!fake) throw namedError('UnknownStepError', `No step ${step}`);
      return fake(input, context);
    },
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
          phase: 'walk',
          layer: 1,
          stack: 'network',
        },
        {
          environment_id: 'env_1',
          operation_id: 'op_provision',
          kind: 'provision',
          phase: 'walk',
          layer: 2,
          stack: 'dns',
        },
      ]),
    );
    // MaxConcurrency 0: both stacks of layer 1 start before either completes.
    // By position in the call log, not by clock: two calls can share a millisecond.
    const at = (fn: string, stack: string) => {
      const index = steps.calls.findIndex((c) => c.fn === fn && c.input.stack === stack);
      return index < 0 ? Number.NaN : index;
    };
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

  it("catches a stack's error by its Lambda error name, records it (ResultPath $.error) and lets the layer settle", async () => {
    const steps = fakeSteps({ failStack: 'dns' });
    const { sfn, client } = await start({ functions: steps.functions });
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: sfn.stateMachineArns['provision-environment'],
        input: JSON.stringify({ environment_id: 'env_2', operation_id: 'op_2' }),
      }),
    );
    const done = await sfn.waitForExecution(executionArn ?? '', 30_000);

    const failures = steps.calls.filter((c) => c.fn === 'fail-stack');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.input).toMatchObject({
      environment_id: 'env_2',
      operation_id: 'op_2',
      kind: 'provision',
      layer: 2,
      stack: 'dns',
    });
    const error = failures[0]?.input.error as { Error: string; Cause: string };
    expect(error.Error).toBe('StackFailed');
    // Like Lambda: the cause is the JSON error payload.
    expect(JSON.parse(error.Cause)).toMatchObject({
      errorType: 'StackFailed',
      errorMessage: 'Stack dns failed',
    });
    // Its sibling finished; the workflow then settled the operation itself.
    expect(steps.calls.some((c) => c.fn === 'complete-stack' && c.input.stack === 'security')).toBe(true);
    expect(steps.calls.filter((c) => c.fn === 'settle-operation')).toHaveLength(1);
    expect(steps.calls.some((c) => c.fn === 'fail-operation')).toBe(false);
    expect(done.status).toBe('SUCCEEDED');
  });

  it('runs no further step once stopped inside the nested Maps (no later layer, no settle)', async () => {
    const steps = fakeSteps({ waitSeconds: 30 });
    const { sfn, client } = await start({ functions: steps.functions });
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: sfn.stateMachineArns['provision-environment'],
        input: JSON.stringify({ environment_id: 'env_4', operation_id: 'op_4' }),
      }),
    );
    // Let layer 1's stacks reach their 30 s Wait.
    const deadline = Date.now() + 10_000;
    while (steps.calls.filter((c) => c.fn === 'start-stack').length < 2) {
      if (Date.now() > deadline) throw new Error('layer 1 did not start');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const callsBeforeStop = steps.calls.length;
    await client.send(new StopExecutionCommand({ executionArn }));
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(sfn.describeExecution(executionArn ?? '').status).toBe('ABORTED');
    expect(steps.calls.slice(callsBeforeStop).map((c) => `${c.fn} ${String(c.input.layer ?? '')}`)).toEqual(
      [],
    );
    expect(steps.calls.map((c) => c.fn)).toEqual([
      'plan-operation',
      'start-layer',
      'start-stack',
      'start-stack',
    ]);
  });

  it('hands an unexpected step error to RecordFailure (ResultPath $.error), then fails the execution', async () => {
    const steps = fakeSteps({ failSettle: true });
    const { sfn, client } = await start({ functions: steps.functions });
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: sfn.stateMachineArns['provision-environment'],
        input: JSON.stringify({ environment_id: 'env_3', operation_id: 'op_3' }),
      }),
    );
    await sfn.waitForExecution(executionArn ?? '', 30_000);

    const failure = steps.calls.find((c) => c.fn === 'fail-operation');
    expect(failure?.input).toMatchObject({
      environment_id: 'env_3',
      operation_id: 'op_3',
      kind: 'provision',
    });
    const error = failure?.input.error as { Error: string; Cause: string };
    expect(error.Error).toBe('TypeError');
    expect(JSON.parse(error.Cause)).toMatchObject({ errorType: 'TypeError' });
    expect(steps.calls.some((c) => c.fn === 'finalize-operation')).toBe(false);

    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('OperationFailed');
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

describe('execution status change events (onStatusChange)', () => {
  const holdSource = {
    stateMachines: [{ name: 'hold', definition: holdMachine }],
    substitutions: holdSubstitutions,
  };

  /** A listener recording the events it gets, and a promise of the next one. */
  function listener() {
    const events: ExecutionStatusChangeEvent[] = [];
    let next = gate();
    const onStatusChange = (event: ExecutionStatusChangeEvent): void => {
      events.push(event);
      next.open();
      next = gate();
    };
    return { events, onStatusChange, nextEvent: () => next.promise };
  }

  const settle = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms));

  it('is the event the reconciler handler takes (type level)', () => {
    expectTypeOf<ExecutionStatusChangeEvent>().toExtend<Parameters<typeof reconcileExecution>[0]>();
  });

  it('emits the AWS-shaped event when an execution FAILED, once its status is recorded', async () => {
    const seen = listener();
    let statusSeenByListener: string | undefined;
    const { sfn } = await start({
      ...holdSource,
      functions: {
        hold: async () => {
          throw new TypeError('bad input');
        },
      },
      onStatusChange: (event) => {
        statusSeenByListener = sfn.describeExecution(event.detail.executionArn).status;
        seen.onStatusChange(event);
      },
    });
    const next = seen.nextEvent();
    const { executionArn } = sfn.startExecution({
      stateMachineArn: sfn.stateMachineArns.hold ?? '',
      name: 'fails',
      input: '{"a":1}',
    });
    const done = await sfn.waitForExecution(executionArn);
    await next;

    expect(done.status).toBe('FAILED');
    expect(seen.events).toEqual([
      {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Step Functions Execution Status Change',
        source: 'aws.states',
        account: '000000000000',
        time: (done.stopDate ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: 'us-east-1',
        resources: [executionArn],
        detail: {
          executionArn,
          stateMachineArn: sfn.stateMachineArns.hold,
          name: 'fails',
          status: 'FAILED',
          startDate: done.startDate.getTime(),
          stopDate: done.stopDate?.getTime(),
          input: '{"a":1}',
          inputDetails: { included: true },
          output: null,
          outputDetails: null,
          error: 'TypeError',
          cause: done.cause,
        },
      },
    ]);
    expect(JSON.parse(seen.events[0]?.detail.cause ?? '{}')).toMatchObject({ errorMessage: 'bad input' });
    expect(statusSeenByListener).toBe('FAILED');
  });

  it('emits ABORTED for StopExecution', async () => {
    const seen = listener();
    const { sfn, client } = await start({
      ...holdSource,
      functions: { hold: async (event) => event, after: async (event) => event },
      onStatusChange: seen.onStatusChange,
    });
    const { executionArn } = sfn.startExecution({
      stateMachineArn: sfn.stateMachineArns.hold ?? '',
      name: 'stopped',
      input: '{"op":"op_1"}',
    });
    // Let it reach the 30 s Wait.
    await settle();
    const next = seen.nextEvent();
    await client.send(
      new StopExecutionCommand({ executionArn, error: 'UserCancelled', cause: 'By the test' }),
    );
    await next;
    const described = sfn.describeExecution(executionArn);

    expect(seen.events).toHaveLength(1);
    expect(seen.events[0]).toMatchObject({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      resources: [executionArn],
      detail: {
        executionArn,
        name: 'stopped',
        status: 'ABORTED',
        input: '{"op":"op_1"}',
        startDate: described.startDate.getTime(),
        stopDate: described.stopDate?.getTime(),
        output: null,
        error: 'UserCancelled',
        cause: 'By the test',
      },
    });
    // Stopping it again changes nothing and emits nothing.
    await client.send(new StopExecutionCommand({ executionArn }));
    await settle();
    expect(seen.events).toHaveLength(1);
  });

  it('emits TIMED_OUT when an execution runs past its TimeoutSeconds', async () => {
    const seen = listener();
    const { sfn } = await start({
      stateMachines: [{ name: 'hold', definition: { ...holdMachine, TimeoutSeconds: 1 } }],
      substitutions: holdSubstitutions,
      functions: { hold: async (event) => event, after: async (event) => event },
      onStatusChange: seen.onStatusChange,
    });
    const next = seen.nextEvent();
    const { executionArn } = sfn.startExecution({ stateMachineArn: sfn.stateMachineArns.hold ?? '' });
    const done = await sfn.waitForExecution(executionArn, 10_000);
    await next;

    expect(done.status).toBe('TIMED_OUT');
    expect(seen.events.map((e) => [e.detail.executionArn, e.detail.status, e.detail.error])).toEqual([
      [executionArn, 'TIMED_OUT', 'States.Timeout'],
    ]);
  });

  it('emits nothing for an execution that SUCCEEDED', async () => {
    const seen = listener();
    const { sfn } = await start({
      ...holdSource,
      waitOverrideMs: 0,
      functions: { hold: async (event) => event, after: async (event) => event },
      onStatusChange: seen.onStatusChange,
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn: sfn.stateMachineArns.hold ?? '' });
    const done = await sfn.waitForExecution(executionArn);
    await settle();

    expect(done.status).toBe('SUCCEEDED');
    expect(seen.events).toEqual([]);
  });

  it('emits nothing when the stand-in itself is stopped: the execution stays RUNNING for the next instance', async () => {
    const dir = await tempDir();
    const seen = listener();
    const reached = gate();
    const blocked = gate();
    const { sfn } = await start({
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
      onStatusChange: seen.onStatusChange,
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn: sfn.stateMachineArns.hold ?? '' });
    await reached.promise;
    await sfn.stop();
    // The Lambda in flight finishes after the stop; a stopped instance settles nothing.
    blocked.open();
    await settle();

    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    expect((await storedExecutions(dir)).records).toEqual([
      expect.objectContaining({ executionArn, status: 'RUNNING' }),
    ]);
    expect(seen.events).toEqual([]);
  });

  it('logs what the listener throws, and keeps serving', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      let calls = 0;
      const { sfn, client } = await start({
        ...holdSource,
        waitOverrideMs: 0,
        functions: {
          hold: async (event) => {
            if ((event as { fail?: boolean }).fail) throw new Error('boom');
            return event;
          },
          after: async (event) => event,
        },
        onStatusChange: async () => {
          calls += 1;
          throw new Error('listener broke');
        },
      });
      const failed = sfn.startExecution({
        stateMachineArn: sfn.stateMachineArns.hold ?? '',
        input: '{"fail":true}',
      });
      expect((await sfn.waitForExecution(failed.executionArn)).status).toBe('FAILED');
      await settle();

      expect(calls).toBe(1);
      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining(`status change handler failed on ${failed.executionArn} (FAILED)`),
        expect.objectContaining({ message: 'listener broke' }),
      );
      // Still serving, over the endpoint too.
      const { executionArn } = await client.send(
        new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.hold, input: '{}' }),
      );
      expect((await sfn.waitForExecution(executionArn ?? '')).status).toBe('SUCCEEDED');
      const described = await client.send(
        new DescribeExecutionCommand({ executionArn: failed.executionArn }),
      );
      expect(described.status).toBe('FAILED');
    } finally {
      errors.mockRestore();
    }
  });

  it('delivers after the status change returns, and stop() waits for a delivery in flight', async () => {
    const delivered = gate();
    let started = false;
    let finished = false;
    const { sfn } = await start({
      ...holdSource,
      functions: { hold: async (event) => event, after: async (event) => event },
      onStatusChange: async () => {
        started = true;
        delivered.open();
        await settle(200);
        finished = true;
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn: sfn.stateMachineArns.hold ?? '' });
    await settle();
    sfn.stopExecution(executionArn);
    // Like EventBridge: not within the call that changed the status.
    const startedWithinTheCall = started;
    await delivered.promise;
    await sfn.stop();

    expect(startedWithinTheCall).toBe(false);
    expect(finished).toBe(true);
  });
});
