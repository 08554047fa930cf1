/**
 * The provision and destroy state machines, run by the local Step Functions runner with
 * the real step handlers against DynamoDB Local, started through the real API code path
 * (domain services, DynamoDB stores, StartExecution over the SDK).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../functions/domain/access.ts';
import type { EnvironmentRecord, StackRecord } from '../../functions/domain/model.ts';
import {
  createEnvironment,
  destroyEnvironment,
  type EnvironmentSettings,
} from '../../functions/domain/use-cases/environments.ts';
import { createProject } from '../../functions/domain/use-cases/projects.ts';
import { createLocalStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions.ts';
import { type Harness, must, overrideSteps, startHarness } from './harness.ts';

let harness: Harness;
let sfn: LocalStepFunctions;
let deps: Harness['deps'];

const owner = principalFromClaims({ sub: 'sm-owner', 'cognito:groups': 'Developers' }, 'Developers');
const settings: EnvironmentSettings = {
  defaultRegion: 'eu-west-1',
  defaultAccountId: '222222222222',
  defaultTtlHours: 24,
  maxTtlHours: 720,
  approvalTimeoutSeconds: 604_800,
};

beforeAll(async () => {
  harness = await startHarness('statemachine-tests');
  ({ sfn, deps } = harness);
});

afterAll(async () => {
  await harness?.stop();
});

function executionArn(machine: string, operationId: string): string {
  return (sfn.stateMachineArns[machine] ?? '')
    .replace(':stateMachine:', ':execution:')
    .concat(`:${operationId}`);
}

async function settled(machine: string, operationId: string) {
  return sfn.waitForExecution(executionArn(machine, operationId), 60_000);
}

async function load(
  environmentId: string,
): Promise<{ env: EnvironmentRecord; stacks: Map<string, StackRecord> }> {
  const env = await deps.environmentDeps.environments.get(environmentId);
  const stacks = await deps.environmentDeps.stacks.list(environmentId);
  if (!env) throw new Error('environment vanished');
  return { env, stacks: new Map(stacks.map((s) => [s.name, s])) };
}

async function newProject(name: string) {
  return createProject(deps.projectDeps, owner, { name });
}

describe('provision-environment and destroy-environment', () => {
  it('provisions a default environment layer by layer, then destroys it in reverse', async () => {
    // Arrange
    const project = await newProject('workflows');
    // Act: provision
    const created = await createEnvironment({ ...deps.environmentDeps, settings }, owner, project.id, {
      name: 'preview-1',
      type: 'ephemeral',
      template: 'default',
      parameters: {},
      on_failure: 'rollback',
    });
    const provision = await settled('provision-environment', created.operation.id);
    // Assert: provision
    expect(provision.status).toBe('SUCCEEDED');
    const provisioned = await load(created.environment.id);
    expect(provisioned.env).toMatchObject({
      status: 'running',
      region: 'eu-west-1',
      progress: { layer: 5, layers: 5, stacks_done: 16, stacks: 16 },
      version: 2,
    });
    expect(provisioned.env.base_url).toMatch(/^https:\/\/preview-1-[0-9a-z]{6}\.envs\.example\.dev$/);
    expect(provisioned.stacks.size).toBe(16);
    for (const stack of provisioned.stacks.values()) {
      expect(stack.status).toBe('provisioned');
      expect(stack.resources.length).toBeGreaterThan(0);
      expect(Object.keys(stack.outputs).length).toBeGreaterThan(0);
      for (const dependency of stack.depends_on) {
        // Every stack started only after each of its dependencies had finished.
        const dep = must(provisioned.stacks.get(dependency), dependency);
        expect(must(stack.started_at, 'started_at') >= must(dep.finished_at, 'finished_at')).toBe(true);
        expect(stack.layer).toBeGreaterThan(dep.layer);
      }
    }
    // Dependants consumed their dependencies' outputs.
    const network = must(provisioned.stacks.get('network'), 'network');
    const rds = must(provisioned.stacks.get('database-rds'), 'database-rds');
    const subnetGroup = rds.resources.find((r) => r.type === 'AWS::RDS::DBSubnetGroup');
    expect(JSON.stringify(subnetGroup?.properties)).toContain(
      (network.outputs.private_subnet_ids as string[])[0],
    );
    expect(network.resources.find((r) => r.type === 'AWS::EC2::VPC')?.arn).toMatch(
      /^arn:aws:ec2:eu-west-1:222222222222:vpc\/vpc-[0-9a-f]{17}$/,
    );

    // Act: destroy
    const destroying = await destroyEnvironment(deps.environmentDeps, owner, created.environment.id);
    const destroy = await settled('destroy-environment', destroying.operation.id);
    // Assert: destroy
    expect(destroy.status).toBe('SUCCEEDED');
    const destroyed = await load(created.environment.id);
    expect(destroyed.env).toMatchObject({ status: 'destroyed', estimated_monthly_cost_usd: 0 });
    for (const stack of destroyed.stacks.values()) {
      expect(stack.status).toBe('destroyed');
      for (const dependency of stack.depends_on) {
        // Dependants are gone before their dependencies start going.
        const dep = must(destroyed.stacks.get(dependency), dependency);
        expect(must(dep.started_at, 'started_at') >= must(stack.finished_at, 'finished_at')).toBe(true);
      }
    }
    // The project's live counter and the name are released.
    expect((await deps.projectDeps.projects.get(project.id))?.live_environments).toBe(0);
    const again = await createEnvironment({ ...deps.environmentDeps, settings }, owner, project.id, {
      name: 'preview-1',
      type: 'ephemeral',
      template: 'minimal',
      parameters: {},
      on_failure: 'rollback',
    });
    expect((await settled('provision-environment', again.operation.id)).status).toBe('SUCCEEDED');
    expect((await load(again.environment.id)).env.status).toBe('running');
  });

  it('settles the environment as failed when a step finds the records moved on', async () => {
    // Arrange: a stack already provisioned by someone else cannot be claimed by this run.
    const project = await newProject('failures');
    const created = await createEnvironment({ ...deps.environmentDeps, settings }, owner, project.id, {
      name: 'broken',
      type: 'persistent',
      template: 'minimal',
      parameters: {},
      on_failure: 'rollback',
    });
    // Act
    const run = await settled('provision-environment', created.operation.id);
    // Assert: this run itself succeeds; now replay its operation: every step must refuse.
    expect(run.status).toBe('SUCCEEDED');
    const replay = sfn.startExecution({
      stateMachineArn: sfn.stateMachineArns['provision-environment'] ?? '',
      name: `${created.operation.id}-replay`,
      input: JSON.stringify({ environment_id: created.environment.id, operation_id: created.operation.id }),
    });
    const replayed = await sfn.waitForExecution(replay.executionArn, 60_000);
    expect(replayed.status).toBe('FAILED');
    expect(replayed.error).toBe('OperationFailed');
    // The running environment was not touched by the stale replay.
    const { env } = await load(created.environment.id);
    expect(env).toMatchObject({ status: 'running', version: 2, error: null });
  });

  it('skips what cannot be reached, fails the environment with the reason, and it can still be destroyed', async () => {
    // Arrange: record the environment without starting it, then lose a dependency's record.
    const project = await newProject('corrupt');
    const deferred: string[] = [];
    const created = await createEnvironment(
      {
        ...deps.environmentDeps,
        workflows: { start: async (_kind, ref) => void deferred.push(ref.operation_id) },
        settings,
      },
      owner,
      project.id,
      { name: 'corrupt', type: 'persistent', template: 'minimal', parameters: {}, on_failure: 'rollback' },
    );
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('../../functions/data/client.ts');
    await documentClient().send(
      new DeleteCommand({
        TableName: 'statemachine-tests',
        Key: { PK: `ENV#${created.environment.id}`, SK: 'STACK#network' },
      }),
    );
    await deps.environmentDeps.workflows.start('provision', {
      environment_id: created.environment.id,
      operation_id: created.operation.id,
    });
    // Act
    const run = await settled('provision-environment', created.operation.id);
    // Assert: the workflow handled it (no crash); the stacks that need network were skipped.
    expect(run.status).toBe('SUCCEEDED');
    const { env, stacks } = await load(created.environment.id);
    expect(env.status).toBe('failed');
    expect(deferred).toEqual([created.operation.id]);
    expect(env.error).toMatch(/^Stacks did not finish: /);
    expect(must(stacks.get('security'), 'security')).toMatchObject({
      status: 'skipped',
      error: 'Skipped: depends on network, which did not provision',
    });
    expect(must(stacks.get('secrets'), 'secrets').status).toBe('provisioned');
    const operation = await deps.environmentDeps.operations.get(created.operation.id);
    expect(operation).toMatchObject({
      status: 'failed',
      finished_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    // A failed environment can still be destroyed, and everything ends destroyed.
    const destroying = await destroyEnvironment(deps.environmentDeps, owner, created.environment.id);
    expect((await settled('destroy-environment', destroying.operation.id)).status).toBe('SUCCEEDED');
    const after = await load(created.environment.id);
    expect(after.env.status).toBe('destroyed');
    expect([...after.stacks.values()].every((s) => s.status === 'destroyed')).toBe(true);
  });
});

describe('resilience', () => {
  it('retries a step that collided with a concurrent write instead of failing the environment', async () => {
    // Arrange: a runner whose complete-stack step collides once, then behaves.
    const { handler: realCompleteStack } = await import('../../functions/steps/complete-stack.ts');
    const { TransientStoreError } = await import('../../functions/domain/errors.ts');
    let collisions = 0;
    const flaky = await createLocalStepFunctions({
      quiet: true,
      retryIntervalOverrideMs: 0,
      functions: overrideSteps({
        'complete-stack': async (event: unknown) => {
          if (collisions === 0) {
            collisions += 1;
            throw new TransientStoreError();
          }
          return realCompleteStack(event as Parameters<typeof realCompleteStack>[0]);
        },
      }),
    });
    try {
      const project = await newProject('flaky');
      const created = await createEnvironment(
        { ...deps.environmentDeps, workflows: { start: async () => undefined }, settings },
        owner,
        project.id,
        { name: 'flaky', type: 'persistent', template: 'minimal', parameters: {}, on_failure: 'rollback' },
      );
      // Act
      const started = flaky.startExecution({
        stateMachineArn: flaky.stateMachineArns['provision-environment'] ?? '',
        name: created.operation.id,
        input: JSON.stringify({ environment_id: created.environment.id, operation_id: created.operation.id }),
      });
      const run = await flaky.waitForExecution(started.executionArn, 60_000);
      // Assert
      expect(collisions).toBe(1);
      expect(run.status).toBe('SUCCEEDED');
      expect((await load(created.environment.id)).env).toMatchObject({ status: 'running', error: null });
    } finally {
      await flaky.stop();
    }
  });

  it('destroys stacks an earlier, failed destroy left half-way', async () => {
    // Arrange: a running environment whose earlier destroy died with one stack mid-deletion.
    const project = await newProject('half-way');
    const created = await createEnvironment({ ...deps.environmentDeps, settings }, owner, project.id, {
      name: 'half-way',
      type: 'persistent',
      template: 'minimal',
      parameters: {},
      on_failure: 'rollback',
    });
    expect((await settled('provision-environment', created.operation.id)).status).toBe('SUCCEEDED');
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('../../functions/data/client.ts');
    const set = (key: Record<string, string>, values: Record<string, unknown>) =>
      documentClient().send(
        new UpdateCommand({
          TableName: 'statemachine-tests',
          Key: key,
          UpdateExpression: `SET ${Object.keys(values)
            .map((k) => `#${k} = :${k}`)
            .join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(Object.keys(values).map((k) => [`#${k}`, k])),
          ExpressionAttributeValues: Object.fromEntries(Object.entries(values).map(([k, v]) => [`:${k}`, v])),
        }),
      );
    await set(
      { PK: `ENV#${created.environment.id}`, SK: 'STACK#compute-lambda' },
      { status: 'destroying', operation_id: 'op_01jd8x3k5m7n9p1q3r5s7t9old' },
    );
    await set({ PK: `ENV#${created.environment.id}`, SK: 'ENV' }, { status: 'failed' });
    // Act
    const destroying = await destroyEnvironment(deps.environmentDeps, owner, created.environment.id);
    const run = await settled('destroy-environment', destroying.operation.id);
    // Assert
    expect(run.status).toBe('SUCCEEDED');
    const after = await load(created.environment.id);
    expect(after.env.status).toBe('destroyed');
    expect(must(after.stacks.get('compute-lambda'), 'compute-lambda').status).toBe('destroyed');
    expect([...after.stacks.values()].every((s) => s.status === 'destroyed')).toBe(true);
  });
});
