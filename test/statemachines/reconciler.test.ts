/**
 * The reconciler, end to end at the state machine level: a provision execution stopped
 * mid-flight (StopExecution: ABORTED), or failed outside the workflow's own failure path,
 * is reported by the local Step Functions stand-in as the EventBridge "Execution Status
 * Change" event to the real `functions/events/reconcile-execution.ts` (through the same
 * wiring local mode uses), which settles the operation and the environment, so neither
 * stays in a transitional status. Real step handlers, DynamoDB Local, records created
 * through the real domain services.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../functions/domain/access.ts';
import type { OperationRecord } from '../../functions/domain/model.ts';
import {
  type AcceptedChange,
  createEnvironment,
  type EnvironmentSettings,
} from '../../functions/domain/use-cases/environments.ts';
import { createProject } from '../../functions/domain/use-cases/projects.ts';
import { localReconciler } from '../../local/runtime.ts';
import {
  createLocalStepFunctions,
  type ExecutionStatusChangeEvent,
  type LocalStepFunctions,
} from '../../local/stepfunctions.ts';
import { type Harness, must, overrideSteps, startHarness } from './harness.ts';

const TABLE = 'reconciler-tests';
/** Every Wait state lasts a minute: executions are stopped while their stacks "provision". */
let sfn: LocalStepFunctions;
let deps: Harness['deps'];
/** Every event the stand-ins emitted, in order. */
const emitted: ExecutionStatusChangeEvent[] = [];
const reconcile = localReconciler({ quiet: true });
const onStatusChange = async (event: ExecutionStatusChangeEvent): Promise<void> => {
  emitted.push(event);
  await reconcile(event);
};

const owner = principalFromClaims({ sub: 'reconciler-owner', 'cognito:groups': 'Developers' }, 'Developers');
let accountSeq = 300000000000;
/** Each environment its own account, so VPC quotas do not interfere. */
const settings = (): EnvironmentSettings => ({
  defaultRegion: 'eu-west-1',
  defaultAccountId: String(accountSeq++),
  defaultTtlHours: 24,
  maxTtlHours: 720,
  approvalTimeoutSeconds: 604_800,
});

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(TABLE, { waitOverrideMs: 60_000, onStatusChange });
  ({ sfn, deps } = harness);
});

afterAll(async () => {
  await harness?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let projectSeq = 0;
/** A `minimal` environment recorded as `provisioning`, its execution not started yet. */
async function newEnvironment(): Promise<AcceptedChange> {
  const project = await createProject(deps.projectDeps, owner, { name: `reconciler-${projectSeq++}` });
  const deferred: string[] = [];
  const created = await createEnvironment(
    {
      ...deps.environmentDeps,
      workflows: { start: async (_kind, ref) => void deferred.push(ref.operation_id) },
      settings: settings(),
    },
    owner,
    project.id,
    { name: 'stopped', type: 'persistent', template: 'minimal', parameters: {}, on_failure: 'rollback' },
  );
  expect(deferred).toEqual([created.operation.id]);
  expect(created.environment.status).toBe('provisioning');
  return created;
}

/** Starts the operation's execution on `runner` as the API would (named after the operation). */
function startProvision(runner: LocalStepFunctions, created: AcceptedChange): string {
  return runner.startExecution({
    stateMachineArn: must(runner.stateMachineArns['provision-environment'], 'provision machine'),
    name: created.operation.id,
    input: JSON.stringify({ environment_id: created.environment.id, operation_id: created.operation.id }),
  }).executionArn;
}

/**
 * Resolves once every stack the execution has started is in its Wait (no Lambda in flight),
 * so a StopExecution lands mid-flight without racing a step.
 */
async function waitingOnStacks(executionArn: string): Promise<number> {
  const deadline = Date.now() + 20_000;
  const count = (name: string): number =>
    sfn.executionEvents(executionArn).filter((e) => e.type === 'StateEntered' && e.state.name === name)
      .length;
  let previous = -1;
  for (;;) {
    const starting = count('StartStack');
    const waiting = count('WaitForStack');
    if (waiting > 0 && waiting === starting && waiting === previous) return waiting;
    previous = waiting > 0 && waiting === starting ? waiting : -1;
    if (Date.now() > deadline) throw new Error(`No stack reached its Wait: ${executionArn}`);
    await sleep(50);
  }
}

/** Polls the operation until it leaves `running` (the reconciler is asynchronous, like EventBridge). */
async function settledOperation(id: string): Promise<OperationRecord> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const operation = must(await deps.environmentDeps.operations.get(id), 'operation');
    if (operation.status !== 'running') return operation;
    if (Date.now() > deadline) throw new Error(`Operation ${id} is still running`);
    await sleep(50);
  }
}

async function load(environmentId: string) {
  const environment = must(await deps.environmentDeps.environments.get(environmentId), 'environment');
  const stacks = await deps.environmentDeps.stacks.list(environmentId);
  return { environment, statuses: Object.fromEntries(stacks.map((s) => [s.name, s.status])) };
}

describe('an execution stopped with StopExecution (ABORTED)', () => {
  it('ends its operation failed and its environment failed, not provisioning', async () => {
    // Arrange: a provision waiting on its first layer's stacks.
    const created = await newEnvironment();
    const executionArn = startProvision(sfn, created);
    const waiting = await waitingOnStacks(executionArn);
    const before = await load(created.environment.id);
    // Act
    sfn.stopExecution(executionArn);
    const operation = await settledOperation(created.operation.id);
    // Assert
    // The minimal template's first layer: network and secrets.
    expect(waiting).toBe(2);
    expect(before.environment.status).toBe('provisioning');
    expect(Object.values(before.statuses)).toContain('provisioning');
    expect(sfn.describeExecution(executionArn).status).toBe('ABORTED');
    expect(emitted.filter((e) => e.detail.executionArn === executionArn).map((e) => e.detail.status)).toEqual(
      ['ABORTED'],
    );
    expect(operation).toMatchObject({
      status: 'failed',
      error: 'The workflow was stopped',
      finished_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    const after = await load(created.environment.id);
    expect(after.environment).toMatchObject({ status: 'failed', error: 'The workflow was stopped' });
    expect(after.environment.version).toBeGreaterThan(created.environment.version);
    // Nothing ran after the stop: the stacks that had not started say so (not_started), and
    // the ones it left half-way are failed with the reason (no transitional status remains).
    for (const [stack, status] of Object.entries(before.statuses)) {
      if (status === 'pending') expect(after.statuses[stack], stack).toBe('not_started');
      if (status === 'provisioning') expect(after.statuses[stack], stack).toBe('failed');
    }
    expect(Object.values(after.statuses)).not.toContain('provisioning');
  });

  it('ends a cancel-requested operation cancelled, and its environment failed', async () => {
    // Arrange: a provision waiting on its stacks, whose cancel was requested.
    const created = await newEnvironment();
    const executionArn = startProvision(sfn, created);
    await waitingOnStacks(executionArn);
    const running = must(await deps.environmentDeps.operations.get(created.operation.id), 'operation');
    await deps.environmentDeps.operations.requestCancel(running);
    // Act
    sfn.stopExecution(executionArn, 'Cancelled', 'Cancelled by the test');
    const operation = await settledOperation(created.operation.id);
    // Assert
    expect(operation).toMatchObject({
      status: 'cancelled',
      cancel_requested: true,
      error: 'Cancelled by request; the workflow was stopped',
    });
    const { environment } = await load(created.environment.id);
    expect(environment.status).toBe('failed');
    expect(environment.status).not.toBe('provisioning');
  });

  it('leaves an operation the workflow already settled alone', async () => {
    // Arrange: a provision that ran to the end (Waits of 0 on another stand-in).
    const quick = await createLocalStepFunctions({ quiet: true, waitOverrideMs: 0, onStatusChange });
    try {
      const created = await newEnvironment();
      const executionArn = startProvision(quick, created);
      expect((await quick.waitForExecution(executionArn, 60_000)).status).toBe('SUCCEEDED');
      const done = await load(created.environment.id);
      // Act: a late status change for the same operation (as a replayed event would be).
      const stopDate = Date.now();
      await reconcile({
        version: '0',
        id: '6f6c9f8e-0000-4000-8000-000000000001',
        'detail-type': 'Step Functions Execution Status Change',
        source: 'aws.states',
        account: '000000000000',
        time: new Date(stopDate).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: 'us-east-1',
        resources: [executionArn],
        detail: {
          executionArn,
          stateMachineArn: must(quick.stateMachineArns['provision-environment'], 'provision machine'),
          name: created.operation.id,
          status: 'ABORTED',
          startDate: stopDate - 1000,
          stopDate,
          input: JSON.stringify({
            environment_id: created.environment.id,
            operation_id: created.operation.id,
          }),
          inputDetails: { included: true },
          output: null,
          outputDetails: null,
          error: null,
          cause: null,
        },
      });
      // Assert: nothing emitted for SUCCEEDED, and the records are untouched.
      expect(emitted.some((e) => e.detail.executionArn === executionArn)).toBe(false);
      expect(must(await deps.environmentDeps.operations.get(created.operation.id), 'operation').status).toBe(
        'succeeded',
      );
      expect((await load(created.environment.id)).environment).toEqual(done.environment);
      expect(done.environment.status).toBe('running');
    } finally {
      await quick.stop();
    }
  });
});

describe('after the reconciler', () => {
  it('a stopped provision can be retried, and the environment ends running', async () => {
    // Arrange: a provision stopped mid-flight and settled by the reconciler.
    const created = await newEnvironment();
    const executionArn = startProvision(sfn, created);
    await waitingOnStacks(executionArn);
    sfn.stopExecution(executionArn);
    expect((await settledOperation(created.operation.id)).status).toBe('failed');
    const { retryOperation } = await import('../../functions/domain/use-cases/operations.ts');
    const quick = await createLocalStepFunctions({ quiet: true, waitOverrideMs: 0, onStatusChange });
    try {
      // Act
      const retried = await retryOperation(
        { ...deps.environmentDeps, workflows: { start: async () => undefined } },
        owner,
        created.operation.id,
      );
      const run = await quick.waitForExecution(startProvision(quick, retried), 60_000);
      // Assert
      expect(run.status).toBe('SUCCEEDED');
      const after = await load(created.environment.id);
      expect(after.environment).toMatchObject({ status: 'running', error: null });
      expect(new Set(Object.values(after.statuses))).toEqual(new Set(['provisioned']));
    } finally {
      await quick.stop();
    }
  });
});

describe('an execution that FAILED outside the workflow’s failure path', () => {
  it('ends its operation failed with the execution’s error, and its environment failed', async () => {
    // Arrange: the step that settles the walk crashes, and so does the failure handler.
    const crash = (message: string) => async (): Promise<never> => {
      throw new TypeError(message);
    };
    const broken = await createLocalStepFunctions({
      quiet: true,
      waitOverrideMs: 0,
      // RecordFailure retries any error (States.ALL) before giving up.
      retryIntervalOverrideMs: 0,
      onStatusChange,
      functions: overrideSteps({
        'settle-operation': crash('settle-operation crashed'),
        'fail-operation': crash('fail-operation crashed'),
      }),
    });
    try {
      const created = await newEnvironment();
      const executionArn = startProvision(broken, created);
      // Act
      const execution = await broken.waitForExecution(executionArn, 60_000);
      const operation = await settledOperation(created.operation.id);
      // Assert
      expect(execution).toMatchObject({ status: 'FAILED', error: 'TypeError' });
      expect(
        emitted.filter((e) => e.detail.executionArn === executionArn).map((e) => e.detail.status),
      ).toEqual(['FAILED']);
      expect(operation.status).toBe('failed');
      // A crash is not the user's to read: the generic message, not the TypeError's.
      expect(operation.error).toBe('The operation failed because of an internal error');
      const { environment } = await load(created.environment.id);
      expect(environment.status).toBe('failed');
    } finally {
      await broken.stop();
    }
  });
});
