/**
 * The provisioning engine's paths (issue: failure and rollback, keep, transient retries,
 * cancel, retry, update, honest teardown, stop/start, quotas), each run by the local
 * Step Functions runner with the real step handlers against DynamoDB Local, started
 * through the real domain services and stores.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Principal, principalFromClaims } from '../../functions/domain/access.ts';
import {
  ConflictError,
  PreconditionFailedError,
  ServiceUnavailableError,
} from '../../functions/domain/errors.ts';
import { throwSimulatedFailure } from '../../functions/domain/failures.ts';
import type { CreateEnvironmentInput } from '../../functions/domain/inputs.ts';
import type { StackRecord } from '../../functions/domain/model.ts';
import {
  type AcceptedChange,
  createEnvironment,
  destroyEnvironment,
  type EnvironmentSettings,
} from '../../functions/domain/use-cases/environments.ts';
import { cancelOperation } from '../../functions/domain/use-cases/operation-views.ts';
import {
  retryOperation,
  startEnvironment,
  stopEnvironment,
  updateEnvironment,
} from '../../functions/domain/use-cases/operations.ts';
import { createProject } from '../../functions/domain/use-cases/projects.ts';
import { createLocalStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions.ts';
import { type Harness, must, startHarness } from './harness.ts';

const TABLE = 'engine-tests';
let harness: Harness;
let sfn: LocalStepFunctions;
let deps: Harness['deps'];
let client: Harness['client'];

const owner: Principal = principalFromClaims(
  { sub: 'engine-owner', 'cognito:groups': 'Developers' },
  'Developers',
);
let accountSeq = 100000000000;
/** Each test its own account, so VPC quotas do not interfere. */
const settings = (): EnvironmentSettings => ({
  defaultRegion: 'eu-west-1',
  defaultAccountId: String(accountSeq++),
  defaultTtlHours: 24,
  maxTtlHours: 720,
  approvalTimeoutSeconds: 604_800,
});

beforeAll(async () => {
  harness = await startHarness(TABLE, { retryIntervalOverrideMs: 0 });
  ({ sfn, deps, client } = harness);
});

afterAll(async () => {
  await harness?.stop();
});

const machineOf = (kind: string) =>
  kind === 'destroy' || kind === 'stop' ? 'destroy-environment' : 'provision-environment';

/** Waits for the execution of an operation (the execution is named after it). */
async function finished(runner: LocalStepFunctions, change: AcceptedChange) {
  const arn = `${must(runner.stateMachineArns[machineOf(change.operation.kind)], 'machine').replace(':stateMachine:', ':execution:')}:${change.operation.id}`;
  const execution = await runner.waitForExecution(arn, 60_000);
  expect(execution.status).toBe('SUCCEEDED');
  return load(change.environment.id);
}

async function load(environmentId: string) {
  const env = must(await deps.environmentDeps.environments.get(environmentId), 'environment');
  const list = await deps.environmentDeps.stacks.list(environmentId);
  const stacks = new Map(list.map((s) => [s.name, s]));
  const stack = (name: string): StackRecord => must(stacks.get(name), name);
  const statuses = Object.fromEntries(list.map((s) => [s.name, s.status]));
  return { env, stacks, stack, statuses };
}

async function operation(id: string) {
  return must(await deps.environmentDeps.operations.get(id), 'operation');
}

let projectSeq = 0;
async function newEnvironment(
  input: Partial<CreateEnvironmentInput> = {},
  options: { start?: boolean; settings?: EnvironmentSettings } = {},
): Promise<AcceptedChange> {
  const project = await createProject(deps.projectDeps, owner, { name: `engine-${projectSeq++}` });
  const environmentDeps =
    options.start === false
      ? { ...deps.environmentDeps, workflows: { start: async () => undefined } }
      : deps.environmentDeps;
  return createEnvironment(
    { ...environmentDeps, settings: options.settings ?? settings() },
    owner,
    project.id,
    {
      name: 'env',
      type: 'persistent',
      template: 'minimal',
      parameters: {},
      on_failure: 'rollback',
      ...input,
    },
  );
}

function start(runner: LocalStepFunctions, change: AcceptedChange) {
  runner.startExecution({
    stateMachineArn: must(runner.stateMachineArns[machineOf(change.operation.kind)], 'machine'),
    name: change.operation.id,
    input: JSON.stringify({ environment_id: change.environment.id, operation_id: change.operation.id }),
  });
}

async function running(input: Partial<CreateEnvironmentInput> = {}) {
  const created = await newEnvironment(input);
  const state = await finished(sfn, created);
  expect(state.env.status).toBe('running');
  return { created, ...state };
}

describe('failure semantics', () => {
  it('rolls back what a failed provision created, after the failing layer settled', async () => {
    // Act
    const created = await newEnvironment({ parameters: { simulate: { fail_stacks: ['database-rds'] } } });
    const { env, statuses, stack } = await finished(sfn, created);
    // Assert
    expect(env.status).toBe('failed');
    expect(env.error).toMatch(/^1 stack\(s\) failed: database-rds \(Simulated failure creating AWS::RDS::/);
    expect(env.error).toMatch(/rolled back 7 stack\(s\) it created$/);
    expect(statuses).toEqual({
      network: 'destroyed',
      secrets: 'destroyed',
      dns: 'destroyed',
      monitoring: 'destroyed',
      security: 'destroyed',
      storage: 'destroyed',
      'compute-lambda': 'destroyed',
      'database-rds': 'failed',
    });
    // The failing stack's siblings finished before the rollback started.
    expect(
      must(stack('storage').finished_at, 'finished') >= must(stack('database-rds').finished_at, 'failed'),
    ).toBe(true);
    const op = await operation(created.operation.id);
    expect(op).toMatchObject({ status: 'failed', outcome: 'rolled_back', stack_results: statuses });
    const logs = await deps.environmentDeps.logs.list(
      env.id,
      { level: 'ERROR', stack: 'database-rds' },
      { limit: 10 },
    );
    expect(logs.items[0]?.message).toMatch(/^Stack database-rds failed: Simulated failure creating/);
  });

  it('marks the stacks a rolled-back provision never started not_started, and a retry provisions them', async () => {
    // Arrange: the first layer fails (network), so layers 2 and up never start.
    const created = await newEnvironment({ parameters: { simulate: { fail_stacks: ['network'] } } });
    // Act
    const failed = await finished(sfn, created);
    // Assert
    const notStarted = ['compute-lambda', 'database-rds', 'dns', 'monitoring', 'security', 'storage'];
    expect(failed.env.status).toBe('failed');
    expect(failed.statuses).toEqual({
      network: 'failed',
      secrets: 'destroyed',
      ...Object.fromEntries(notStarted.map((name) => [name, 'not_started'])),
    });
    for (const name of notStarted) {
      expect(failed.stack(name), name).toMatchObject({
        status: 'not_started',
        operation_id: created.operation.id,
        started_at: null,
        error:
          'Not started: the provision failed before it reached this stack, and what it created was rolled back; a retry starts it',
      });
    }
    const op = await operation(created.operation.id);
    expect(op).toMatchObject({ status: 'failed', outcome: 'rolled_back', stack_results: failed.statuses });

    // Act: the cause fixed (a settings-only change), then a retry.
    await updateEnvironment(
      deps.environmentDeps,
      owner,
      created.environment.id,
      { parameters: { simulate: {} } },
      undefined,
    );
    const retried = await retryOperation(deps.environmentDeps, owner, created.operation.id);
    const after = await finished(sfn, retried);
    // Assert: every stack, the never-started ones included, provisioned by the retry.
    expect(after.env.status).toBe('running');
    for (const name of [...notStarted, 'network', 'secrets']) {
      expect(after.stack(name), name).toMatchObject({
        status: 'provisioned',
        operation_id: retried.operation.id,
        error: null,
      });
    }
  });

  it('keeps what provisioned under on_failure keep, and skips the failed stack’s dependants', async () => {
    const created = await newEnvironment({
      on_failure: 'keep',
      parameters: { simulate: { fail_stacks: ['security'] } },
    });
    const { env, statuses, stack } = await finished(sfn, created);
    expect(env.status).toBe('failed');
    expect(statuses).toEqual({
      network: 'provisioned',
      secrets: 'provisioned',
      dns: 'provisioned',
      monitoring: 'provisioned',
      security: 'failed',
      storage: 'skipped',
      'database-rds': 'skipped',
      'compute-lambda': 'skipped',
    });
    expect(stack('storage').error).toBe('Skipped: depends on security, which did not provision');
    expect((await operation(created.operation.id)).outcome).toBeNull();
  });

  it('absorbs transient errors with retries, reproducibly', async () => {
    // Arrange: draw environments until one whose run has transient errors that a retry
    // absorbs (the draw is deterministic per environment id, so we can predict it).
    const simulate = { transient_failure_rate: 0.5 };
    const firstPassingTry = (envId: string, stack: string) => {
      for (let tryNumber = 1; tryNumber <= 4; tryNumber++) {
        try {
          throwSimulatedFailure({
            environmentId: envId,
            stack,
            action: 'provision',
            kind: 'provision',
            attempt: 1,
            tryNumber,
            simulate,
          });
          return tryNumber;
        } catch {
          // this try fails
        }
      }
      return null;
    };
    let created: AcceptedChange | undefined;
    let expected: Record<string, number | null> = {};
    for (let i = 0; i < 30 && !created; i++) {
      const candidate = await newEnvironment({ parameters: { simulate } }, { start: false });
      const names = (await deps.environmentDeps.stacks.list(candidate.environment.id)).map((s) => s.name);
      expected = Object.fromEntries(names.map((n) => [n, firstPassingTry(candidate.environment.id, n)]));
      const tries = Object.values(expected);
      if (tries.every((t) => t !== null) && tries.some((t) => (t ?? 0) > 1)) created = candidate;
    }
    const chosen = must(created, 'a suitable environment');
    // Act
    start(sfn, chosen);
    const { env, statuses } = await finished(sfn, chosen);
    // Assert: running, and each stack needed exactly the predicted number of tries.
    expect(env.status).toBe('running');
    expect(new Set(Object.values(statuses))).toEqual(new Set(['provisioned']));
    for (const [name, tries] of Object.entries(expected)) {
      const item = await client
        .documentClient()
        .send(new GetCommand({ TableName: TABLE, Key: { PK: `ENV#${env.id}`, SK: `STACK#${name}` } }));
      expect(item.Item?.tries, name).toBe(tries);
    }
  });
});

describe('cancel', () => {
  it('lets in-flight stacks finish, starts nothing new, then rolls the provision back', async () => {
    // Arrange: a runner whose waits last long enough to cancel in the middle of layer 2.
    const slow = await createLocalStepFunctions({
      quiet: true,
      waitOverrideMs: 400,
      retryIntervalOverrideMs: 0,
    });
    try {
      const created = await newEnvironment({ template: 'default' }, { start: false });
      start(slow, created);
      for (let i = 0; i < 200; i++) {
        const env = must(await deps.environmentDeps.environments.get(created.environment.id), 'env');
        if (env.progress.layer >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Act
      const view = await cancelOperation(deps.approvalDeps, owner, created.operation.id);
      expect(view.operation.cancel_requested).toBe(true);
      const { env, stack } = await finished(slow, created);
      // Assert
      expect(env.status).toBe('failed');
      expect(env.error).toMatch(/^Cancelled by request; rolled back \d+ stack\(s\) it created$/);
      const op = await operation(created.operation.id);
      expect(op).toMatchObject({ status: 'cancelled', outcome: 'rolled_back' });
      for (const name of ['network', 'secrets', 'services-ecr', 'dns', 'monitoring', 'security']) {
        expect(stack(name).status, name).toBe('destroyed');
      }
      // Nothing of layers 3 to 5 ever started, and the stacks say so.
      for (const name of ['database-rds', 'services-eks', 'containers-images', 'containers-apps']) {
        expect(stack(name)).toMatchObject({
          status: 'not_started',
          started_at: null,
          error:
            'Not started: the provision was cancelled before it reached this stack, and what it created was rolled back; a retry starts it',
        });
      }
      // A finished operation cannot be cancelled again.
      await expect(cancelOperation(deps.approvalDeps, owner, created.operation.id)).rejects.toThrow(
        ConflictError,
      );
    } finally {
      await slow.stop();
    }
  });
});

describe('retry', () => {
  it('resumes from the failed and skipped stacks; provisioned stacks are untouched', async () => {
    // Arrange: a kept failure, then the cause fixed (a settings-only change on the failed environment).
    const created = await newEnvironment({
      on_failure: 'keep',
      parameters: { simulate: { fail_stacks: ['security'] } },
    });
    const before = await finished(sfn, created);
    const fixed = await updateEnvironment(
      deps.environmentDeps,
      owner,
      created.environment.id,
      { parameters: { simulate: {} } },
      undefined,
    );
    expect(fixed.operation).toBeNull();
    // Act
    const retried = await retryOperation(deps.environmentDeps, owner, created.operation.id);
    const after = await finished(sfn, retried);
    // Assert
    expect(retried.operation).toMatchObject({
      kind: 'provision',
      attempt: 2,
      retry_of: created.operation.id,
    });
    expect(after.env.status).toBe('running');
    for (const name of ['network', 'secrets', 'dns', 'monitoring']) {
      expect(after.stack(name).operation_id, name).toBe(created.operation.id);
      expect(after.stack(name).finished_at, name).toBe(before.stack(name).finished_at);
    }
    for (const name of ['security', 'storage', 'database-rds', 'compute-lambda']) {
      expect(after.stack(name)).toMatchObject({ status: 'provisioned', operation_id: retried.operation.id });
    }
    // Only the latest, failed or cancelled operation can be retried.
    await expect(retryOperation(deps.environmentDeps, owner, retried.operation.id)).rejects.toThrow(
      ConflictError,
    );
  });
});

describe('update', () => {
  it('re-provisions only the stacks whose inputs changed, and their dependants', async () => {
    const { created, stack: before } = await running();
    // Act: the database engine is an input of security and database-rds.
    const update = await updateEnvironment(
      deps.environmentDeps,
      owner,
      created.environment.id,
      { parameters: { db_engine: 'mysql' } },
      2,
    );
    if (!update.operation) throw new Error('expected an update operation');
    expect(update.operation.targets).toEqual(['security', 'compute-lambda', 'database-rds', 'storage']);
    expect(update.environment.status).toBe('updating');
    const after = await finished(sfn, { environment: update.environment, operation: update.operation });
    // Assert
    expect(after.env).toMatchObject({ status: 'running', parameters: { db_engine: 'mysql' }, version: 4 });
    for (const name of ['security', 'compute-lambda', 'database-rds', 'storage']) {
      expect(after.stack(name).operation_id, name).toBe(update.operation.id);
    }
    for (const name of ['network', 'secrets', 'dns', 'monitoring']) {
      expect(after.stack(name).finished_at, name).toBe(before(name).finished_at);
    }
    expect(after.stack('database-rds').outputs.port).toBe(3306);
  });

  it('refuses a stale If-Match with 412 and changes nothing', async () => {
    const { created } = await running();
    await expect(
      updateEnvironment(
        deps.environmentDeps,
        owner,
        created.environment.id,
        { parameters: { storage_gb: 30 } },
        1,
      ),
    ).rejects.toThrow(PreconditionFailedError);
    expect((await load(created.environment.id)).env.parameters.storage_gb).toBe(20);
  });
});

describe('honest teardown', () => {
  it('goes on past a stack that fails to delete, reports what remains, and a retry finishes', async () => {
    const { created } = await running();
    await updateEnvironment(
      deps.environmentDeps,
      owner,
      created.environment.id,
      { parameters: { simulate: { fail_destroy_stacks: ['security'] } } },
      undefined,
    );
    // Act
    const destroy = await destroyEnvironment(deps.environmentDeps, owner, created.environment.id);
    const { env, statuses } = await finished(sfn, destroy);
    // Assert: security failed, network kept (security still needs it), the rest deleted.
    expect(env.status).toBe('failed');
    expect(env.error).toMatch(
      /^Could not delete 1 stack\(s\): security \(Simulated failure deleting .*\); still present: /,
    );
    expect(env.error).toContain('network');
    expect(statuses).toMatchObject({
      security: 'failed',
      network: 'provisioned',
      secrets: 'destroyed',
      'database-rds': 'destroyed',
      storage: 'destroyed',
    });
    // The project still counts it: the name is not released.
    await updateEnvironment(deps.environmentDeps, owner, env.id, { parameters: { simulate: {} } }, undefined);
    const retried = await retryOperation(deps.environmentDeps, owner, destroy.operation.id);
    const after = await finished(sfn, retried);
    expect(after.env.status).toBe('destroyed');
    expect(new Set(Object.values(after.statuses))).toEqual(new Set(['destroyed']));
  });
});

describe('stop and start', () => {
  it('stops only the compute stacks and starts them again; stopped compute costs nothing', async () => {
    const { created, env: runningEnv } = await running();
    const stop = await stopEnvironment(deps.environmentDeps, owner, created.environment.id);
    const stopped = await finished(sfn, stop);
    expect(stopped.env.status).toBe('stopped');
    expect(stopped.statuses['compute-lambda']).toBe('stopped');
    expect(Object.entries(stopped.statuses).filter(([, s]) => s !== 'provisioned')).toEqual([
      ['compute-lambda', 'stopped'],
    ]);
    const lambdaCost = stopped.stack('compute-lambda').estimated_monthly_cost_usd;
    expect(stopped.env.estimated_monthly_cost_usd).toBeCloseTo(
      runningEnv.estimated_monthly_cost_usd - lambdaCost,
      2,
    );
    // Illegal transitions answer 409 with the current status.
    await expect(stopEnvironment(deps.environmentDeps, owner, created.environment.id)).rejects.toMatchObject({
      name: 'ConflictError',
      extra: { status: 'stopped' },
    });
    const restart = await startEnvironment(deps.environmentDeps, owner, created.environment.id);
    const restarted = await finished(sfn, restart);
    expect(restarted.env.status).toBe('running');
    expect(new Set(Object.values(restarted.statuses))).toEqual(new Set(['provisioned']));
  });
});

describe('quotas', () => {
  it('never lets concurrent creates exceed 5 VPCs per account and region; destroy frees one', async () => {
    const shared = settings();
    // Act: seven creates at once in one account and region.
    const attempts = await Promise.allSettled(
      Array.from({ length: 7 }, (_, i) =>
        newEnvironment({ name: `quota-${i}` }, { start: false, settings: shared }),
      ),
    );
    // Assert
    const created = attempts.filter(
      (a): a is PromiseFulfilledResult<AcceptedChange> => a.status === 'fulfilled',
    );
    const refused = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(created).toHaveLength(5);
    for (const r of refused) {
      // A collision may also surface as a retryable 503; what matters is that none got through.
      expect(['QUOTA_EXCEEDED', 'SERVICE_UNAVAILABLE']).toContain(
        (r.reason as { errorCode?: string }).errorCode,
      );
    }
    const usage = await client.documentClient().send(
      new GetCommand({
        TableName: TABLE,
        Key: { PK: `QUOTA#${shared.defaultAccountId}#eu-west-1`, SK: 'VPC' },
      }),
    );
    expect(usage.Item?.used).toBe(5);
    await expect(
      newEnvironment({ name: 'one-more' }, { start: false, settings: shared }),
    ).rejects.toMatchObject({
      errorCode: 'QUOTA_EXCEEDED',
    });
    // Provision one, destroy it: its VPC is free again.
    const first = must(created[0], 'first').value;
    start(sfn, first);
    await finished(sfn, first);
    const destroy = await destroyEnvironment(deps.environmentDeps, owner, first.environment.id);
    await finished(sfn, destroy);
    const again = await newEnvironment({ name: 'one-more' }, { start: false, settings: shared });
    expect(again.environment.status).toBe('provisioning');
  });
});

describe('edge cases', () => {
  it('leaves the dependants of a failed update target as they were, and a retry finishes the update', async () => {
    const { created } = await running();
    // Act: change the engine (security and its dependants) while security fails.
    const update = await updateEnvironment(
      deps.environmentDeps,
      owner,
      created.environment.id,
      { parameters: { db_engine: 'mysql', simulate: { fail_stacks: ['security'] } } },
      undefined,
    );
    if (!update.operation) throw new Error('expected an update operation');
    const after = await finished(sfn, { environment: update.environment, operation: update.operation });
    // Assert: the run itself completed; security failed, its dependants kept their old inputs.
    expect(after.env.status).toBe('failed');
    expect(after.stack('security').status).toBe('failed');
    for (const name of ['storage', 'database-rds', 'compute-lambda']) {
      expect(after.stack(name)).toMatchObject({ status: 'provisioned', operation_id: created.operation.id });
    }
    expect(after.stack('database-rds').outputs.port).toBe(5432);
    // Fix and retry: the update's remaining targets are re-provisioned.
    await updateEnvironment(
      deps.environmentDeps,
      owner,
      created.environment.id,
      { parameters: { simulate: {} } },
      undefined,
    );
    const retried = await retryOperation(deps.environmentDeps, owner, update.operation.id);
    expect(retried.operation.targets).toEqual(['security', 'compute-lambda', 'database-rds', 'storage']);
    const done = await finished(sfn, retried);
    expect(done.env.status).toBe('running');
    expect(done.stack('database-rds').outputs.port).toBe(3306);
  });

  it('treats repeated step invocations whose work already landed as done', async () => {
    const { created, env } = await running();
    const { completeStack, failStack } = await import('../../functions/domain/workflow/stack.ts');
    const { finalizeOperation } = await import('../../functions/domain/workflow/settle.ts');
    const input = {
      environment_id: env.id,
      operation_id: created.operation.id,
      kind: 'provision' as const,
      phase: 'walk' as const,
      layer: 1,
      stack: 'network',
    };
    // Act: a Lambda retry of complete-stack and of fail-stack after the stack finished.
    await expect(completeStack(deps.workflowDeps, { ...input, wait_seconds: 0 })).resolves.toMatchObject({
      stack: 'network',
    });
    await expect(
      failStack(deps.workflowDeps, { ...input, error: { Error: 'TransientStackError', Cause: 'late' } }),
    ).resolves.toMatchObject({ stack: 'network' });
    // ... and of finalize after the operation ended.
    await expect(
      finalizeOperation(
        { ...deps.workflowDeps, settings: { timeScale: 0, baseDomain: 'x' } },
        {
          environment_id: env.id,
          operation_id: created.operation.id,
          kind: 'provision',
          status: 'succeeded',
          error: null,
          failed_stacks: [],
          needs_rollback: false,
          rollback_layers: [],
        },
      ),
    ).resolves.toMatchObject({ status: 'succeeded' });
    // Assert: nothing moved.
    const after = await load(env.id);
    expect(after.env).toMatchObject({ status: 'running', version: env.version });
    expect(after.stack('network').status).toBe('provisioned');
  });

  it('counts a cancel that arrives when nothing is left to start as too late: the destroy succeeds', async () => {
    const slow = await createLocalStepFunctions({
      quiet: true,
      waitOverrideMs: 300,
      retryIntervalOverrideMs: 0,
    });
    try {
      const { created } = await running();
      const destroy = await destroyEnvironment(
        { ...deps.environmentDeps, workflows: { start: async () => undefined } },
        owner,
        created.environment.id,
      );
      start(slow, destroy);
      // Wait until the last of the three layers is in progress.
      for (let i = 0; i < 200; i++) {
        const env = must(await deps.environmentDeps.environments.get(created.environment.id), 'env');
        if (env.progress.layer >= 3) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await cancelOperation(deps.approvalDeps, owner, destroy.operation.id);
      const after = await finished(slow, destroy);
      expect(after.env.status).toBe('destroyed');
      expect((await operation(destroy.operation.id)).status).toBe('succeeded');
    } finally {
      await slow.stop();
    }
  });
});

describe('a provision whose workflow could not be started', () => {
  it('ends failed with every stack not_started, and a retry provisions them', async () => {
    // Arrange: Step Functions unreachable when the environment is created.
    const project = await createProject(deps.projectDeps, owner, { name: `engine-${projectSeq++}` });
    const unreachable = {
      ...deps.environmentDeps,
      settings: settings(),
      workflows: {
        start: async () => {
          throw new Error('connect ECONNREFUSED');
        },
      },
    };
    // Act
    const refused: unknown = await createEnvironment(unreachable, owner, project.id, {
      name: 'env',
      type: 'persistent',
      template: 'minimal',
      parameters: {},
      on_failure: 'rollback',
    }).catch((error: unknown) => error);
    // Assert
    expect(refused).toBeInstanceOf(ServiceUnavailableError);
    const failed = await load(String((refused as ServiceUnavailableError).extra?.environment_id));
    expect(failed.env).toMatchObject({ status: 'failed', error: 'The workflow could not be started' });
    expect(new Set(Object.values(failed.statuses))).toEqual(new Set(['not_started']));
    expect(failed.stack('network')).toMatchObject({
      status: 'not_started',
      operation_id: failed.env.current_operation_id,
      error: 'Not started: the provision failed before it reached this stack; a retry starts it',
    });
    // Act: a retry, with Step Functions back.
    const retried = await retryOperation(
      deps.environmentDeps,
      owner,
      must(failed.env.current_operation_id, 'operation'),
    );
    const after = await finished(sfn, retried);
    // Assert
    expect(after.env.status).toBe('running');
    expect(new Set(Object.values(after.statuses))).toEqual(new Set(['provisioned']));
  });
});
