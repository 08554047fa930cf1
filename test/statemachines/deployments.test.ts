/**
 * The deploy-release state machine against DynamoDB Local, the local Step Functions
 * runner and the real steps: a rolling rollout in three healthy batches, a failed health
 * check rolled back to the previous version, a first deployment that fails with nothing
 * to go back to, and the environment lock (one deployment at a time, only on running
 * environments, no operation under a rollout, released by the reconciler).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../functions/domain/access.ts';
import { PreconditionFailedError } from '../../functions/domain/errors.ts';
import type { CreateDeploymentInput } from '../../functions/domain/inputs.ts';
import type { DeploymentRecord } from '../../functions/domain/model.ts';
import {
  createDeployment,
  type DeploymentDeps,
  failStalledDeployments,
  listDeploymentLogs,
  reconcileDeployment,
} from '../../functions/domain/use-cases/deployments.ts';
import { destroyEnvironment } from '../../functions/domain/use-cases/environments.ts';
import { updateEnvironment } from '../../functions/domain/use-cases/operations.ts';
import { type Harness, must, startHarness } from './harness.ts';

let harness: Harness;
const owner = principalFromClaims({ sub: 'deploy-owner', 'cognito:groups': 'Developers' }, 'Developers');

beforeAll(async () => {
  harness = await startHarness('deployment-tests');
});

afterAll(async () => {
  await harness?.stop();
});

const executionArn = (machine: string, name: string) => harness.executionArn(machine, name);

async function runningEnvironment(input: { fail?: boolean } = {}) {
  const created = await harness.provisioned(owner, {
    parameters: input.fail ? { simulate: { fail_stacks: ['database-rds'] } } : {},
    on_failure: 'keep',
  });
  return created.environment.id;
}

async function deploy(environmentId: string, input: Partial<CreateDeploymentInput> & { version: string }) {
  const deployment = await createDeployment(harness.deps.deploymentDeps, owner, environmentId, {
    strategy: 'rolling',
    ...input,
  });
  const execution = await harness.sfn.waitForExecution(executionArn('deploy-release', deployment.id), 60_000);
  return {
    deployment: must(await harness.deps.deploymentDeps.deployments.get(deployment.id), 'deployment'),
    execution,
  };
}

const environment = async (id: string) =>
  must(await harness.deps.environmentDeps.environments.get(id), 'environment');

/** Deployment deps whose starter starts nothing: the deployment stays pending, holding its environment. */
function withoutRollout(): DeploymentDeps {
  return { ...harness.deps.deploymentDeps, starter: { start: async () => undefined } };
}

describe('a rolling deployment', () => {
  it('goes through 25%, 50% and 100% with a passing health check after each, and sets the version', async () => {
    // Arrange
    const id = await runningEnvironment();
    // Act
    const { deployment, execution } = await deploy(id, { version: 'v1.0.0' });
    // Assert
    expect(execution.status).toBe('SUCCEEDED');
    expect(deployment).toMatchObject({ status: 'succeeded', previous_version: null, error: null });
    expect(deployment.batches.map((b) => [b.percent, b.status])).toEqual([
      [25, 'healthy'],
      [50, 'healthy'],
      [100, 'healthy'],
    ]);
    expect(deployment.started_at).not.toBeNull();
    expect(deployment.finished_at).not.toBeNull();
    expect(await environment(id)).toMatchObject({ current_version: 'v1.0.0', status: 'running' });
    expect((await environment(id)).active_deployment_id ?? null).toBeNull();
    const logs = await listDeploymentLogs(harness.deps.deploymentDeps, owner, deployment.id, { limit: 100 });
    expect(logs.items.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Batch 1\/3: deploying v1\.0\.0 to 25%/),
        expect.stringMatching(/^Batch 3: health check passed/),
        expect.stringMatching(/^Deployment succeeded: v1\.0\.0 is serving/),
      ]),
    );
    expect(logs.items.every((l) => l.deployment_id === deployment.id)).toBe(true);
    const events = await harness.deps.insightsDeps.events.list({ environment_id: id }, { limit: 100 });
    expect(events.items.map((e) => e.type)).toEqual(
      expect.arrayContaining(['deployment.started', 'deployment.succeeded']),
    );
  });

  it('rolls back to the previous version when a health check fails, and ends rolled_back', async () => {
    // Arrange: v1 is serving.
    const id = await runningEnvironment();
    await deploy(id, { version: 'v1' });
    // Act: v2's second batch fails its health check.
    const { deployment, execution } = await deploy(id, { version: 'v2', simulate: { fail_at_batch: 2 } });
    // Assert
    expect(execution.status).toBe('SUCCEEDED');
    expect(deployment).toMatchObject({ status: 'rolled_back', previous_version: 'v1' });
    expect(deployment.error).toMatch(/^Health check failed on batch 2 \(50%\): \d of 4 instances unhealthy$/);
    expect(deployment.batches.map((b) => b.status)).toEqual(['healthy', 'unhealthy', 'pending']);
    expect(await environment(id)).toMatchObject({ current_version: 'v1' });
    const notified = harness.bus.notifications.filter((e) => e.detail.deployment_id === deployment.id);
    expect(notified.map((e) => e.detailType)).toEqual(['Deployment Rolled Back']);
    const logs = await listDeploymentLogs(harness.deps.deploymentDeps, owner, deployment.id, { limit: 100 });
    expect(logs.items.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        'Rolling back to v1 on all instances',
        expect.stringMatching(/^Deployment rolled back: v1 is serving again/),
      ]),
    );
  });

  it('fails, with nothing to roll back to, when the first deployment fails', async () => {
    // Arrange
    const id = await runningEnvironment();
    // Act
    const { deployment } = await deploy(id, {
      version: 'v1',
      strategy: 'all_at_once',
      simulate: { fail_at_batch: 1 },
    });
    // Assert
    expect(deployment.status).toBe('failed');
    expect(deployment.batches.map((b) => [b.percent, b.status])).toEqual([[100, 'unhealthy']]);
    expect((await environment(id)).current_version ?? null).toBeNull();
    expect((await environment(id)).active_deployment_id ?? null).toBeNull();
  });
});

describe('deployments and the environment version (If-Match)', () => {
  it('moves the version when a rollout changes current_version, so a read from before it is stale', async () => {
    // Arrange: v1 serving; the environment read (its If-Match value) before v2.
    const id = await runningEnvironment();
    await deploy(id, { version: 'v1' });
    const before = await environment(id);
    // Act
    await deploy(id, { version: 'v2' });
    // Assert
    const after = await environment(id);
    expect(after).toMatchObject({ current_version: 'v2', version: before.version + 1 });
    const stale = updateEnvironment(
      harness.deps.environmentDeps,
      owner,
      id,
      { on_failure: 'rollback' },
      before.version,
    );
    await expect(stale).rejects.toThrow(PreconditionFailedError);
    expect((await environment(id)).version).toBe(after.version);
  });

  it('leaves the version alone when current_version does not change (rolled back, or the same version again)', async () => {
    // Arrange
    const id = await runningEnvironment();
    await deploy(id, { version: 'v1' });
    const before = await environment(id);
    // Act
    const rolledBack = await deploy(id, { version: 'v2', simulate: { fail_at_batch: 2 } });
    const again = await deploy(id, { version: 'v1' });
    // Assert
    expect(rolledBack.deployment.status).toBe('rolled_back');
    expect(again.deployment.status).toBe('succeeded');
    expect(await environment(id)).toMatchObject({ current_version: 'v1', version: before.version });
  });
});

describe('the environment lock', () => {
  it('refuses a deployment on an environment that is not running', async () => {
    // Arrange
    const id = await runningEnvironment({ fail: true });
    // Act + assert
    await expect(
      createDeployment(harness.deps.deploymentDeps, owner, id, { version: 'v1', strategy: 'rolling' }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      errorCode: 'ILLEGAL_STATE',
    });
    expect(
      (await harness.deps.deploymentDeps.deployments.listByEnvironment(id, { limit: 10 })).items,
    ).toEqual([]);
  });

  it('allows one deployment at a time, keeps operations out meanwhile, and the reconciler releases it', async () => {
    // Arrange: a deployment that holds the environment (its rollout never started).
    const id = await runningEnvironment();
    const held: DeploymentRecord = await createDeployment(withoutRollout(), owner, id, {
      version: 'v1',
      strategy: 'rolling',
    });
    // Act + assert: a second deployment and a destroy are refused, naming it.
    await expect(
      createDeployment(harness.deps.deploymentDeps, owner, id, { version: 'v2', strategy: 'rolling' }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      errorCode: 'DEPLOYMENT_IN_PROGRESS',
    });
    await expect(destroyEnvironment(harness.deps.environmentDeps, owner, id)).rejects.toMatchObject({
      name: 'ConflictError',
      errorCode: 'DEPLOYMENT_IN_PROGRESS',
    });
    // The execution was stopped: the reconciler ends the deployment and frees the environment.
    const settled = await reconcileDeployment(
      harness.deps.deploymentStepDeps,
      { status: 'ABORTED', name: held.id },
      held.id,
    );
    expect(settled.status).toBe('failed');
    expect(must(await harness.deps.deploymentDeps.deployments.get(held.id), 'deployment')).toMatchObject({
      status: 'failed',
      error: 'The workflow was stopped',
    });
    const next = await deploy(id, { version: 'v2' });
    expect(next.deployment.status).toBe('succeeded');
  });

  it('is released by the sweeper when a rollout never started', async () => {
    // Arrange: recorded, but its execution never started (the API died in between).
    const id = await runningEnvironment();
    const stalled = await createDeployment(withoutRollout(), owner, id, {
      version: 'v1',
      strategy: 'rolling',
    });
    // Act: a sweep now leaves it alone; one six minutes later fails it.
    const early = await failStalledDeployments(harness.deps.deploymentStepDeps, new Date());
    const later = new Date(Date.now() + 6 * 60_000);
    const swept = await failStalledDeployments(harness.deps.deploymentStepDeps, later);
    const again = await failStalledDeployments(harness.deps.deploymentStepDeps, later);
    // Assert
    expect(early).not.toContain(stalled.id);
    expect(swept).toContain(stalled.id);
    expect(again).not.toContain(stalled.id);
    expect(must(await harness.deps.deploymentDeps.deployments.get(stalled.id), 'deployment')).toMatchObject({
      status: 'failed',
      error: 'The rollout never started',
    });
    expect((await environment(id)).active_deployment_id ?? null).toBeNull();
  });
});
