/**
 * Issue 5 at the state-machine level, against DynamoDB Local and the real workflow:
 * plans compared with the operations that follow them, the manifest round trip,
 * single-stack deploy and delete (refusals and the cascade), refresh and drift (by hand
 * and scheduled, with remediation), and the stack export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../functions/domain/access.ts';
import type { CreateEnvironmentInput } from '../../functions/domain/inputs.ts';
import type { StackRecord } from '../../functions/domain/model.ts';
import { refresh, runDueDriftChecks } from '../../functions/domain/use-cases/drift.ts';
import { createEnvironment, destroyEnvironment } from '../../functions/domain/use-cases/environments.ts';
import { getManifest, putManifest } from '../../functions/domain/use-cases/manifest.ts';
import { retryOperation, updateEnvironment } from '../../functions/domain/use-cases/operations.ts';
import { planCreate, planDelete, planUpdate } from '../../functions/domain/use-cases/plans.ts';
import { deleteStack, deployStack, exportStack } from '../../functions/domain/use-cases/stacks.ts';
import { type Harness, must, startHarness } from './harness.ts';

let harness: Harness;
const owner = principalFromClaims({ sub: 'stack-owner', 'cognito:groups': 'Developers' }, 'Developers');

beforeAll(async () => {
  harness = await startHarness('stack-control-tests');
});

afterAll(async () => {
  await harness?.stop();
});

const settle = (operationId: string, kind: string) => harness.settle(operationId, kind);

async function running(input: Partial<CreateEnvironmentInput> = {}) {
  return (await harness.provisioned(owner, input)).environment.id;
}

const stacksOf = async (id: string) => harness.deps.environmentDeps.stacks.list(id);
const environment = async (id: string) =>
  must(await harness.deps.environmentDeps.environments.get(id), 'environment');

/** Layers as the records show they ran: each stack started after its previous layer finished. */
function ranInLayers(stacks: StackRecord[], layers: string[][]) {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  for (let i = 1; i < layers.length; i++) {
    const previousEnd = Math.max(
      ...(layers[i - 1] ?? []).map((n) => Date.parse(byName.get(n)?.finished_at ?? '')),
    );
    for (const name of layers[i] ?? []) {
      expect(Date.parse(byName.get(name)?.started_at ?? '')).toBeGreaterThanOrEqual(previousEnd);
    }
  }
}

describe('plans', () => {
  it('of a create: the stacks and layers the provision then walks, the cost, the quota and the duration', async () => {
    // Arrange
    const p = await harness.project(owner);
    const body: CreateEnvironmentInput = {
      name: 'app',
      type: 'persistent',
      template: 'minimal',
      parameters: {},
      on_failure: 'rollback',
    };
    const s = harness.settings();
    // Act
    const plan = await planCreate(
      { ...harness.deps.environmentDeps, settings: s, quotas: { vpcUsage: async () => 0 } },
      owner,
      p.id,
      body,
    );
    const created = await createEnvironment(
      { ...harness.deps.environmentDeps, settings: s },
      owner,
      p.id,
      body,
    );
    await settle(created.operation.id, 'provision');
    // Assert
    const layers = plan.layers.map((l) => l.stacks.map((x) => x.name));
    const stacks = await stacksOf(created.environment.id);
    expect(new Set(layers.flat())).toEqual(new Set(stacks.map((x) => x.name)));
    expect(stacks.every((x) => x.status === 'provisioned')).toBe(true);
    ranInLayers(stacks, layers);
    for (const [i, names] of layers.entries()) {
      for (const name of names) expect(stacks.find((x) => x.name === name)?.layer).toBe(i + 1);
    }
    expect(plan.estimated_monthly_cost_usd).toBe(
      (await environment(created.environment.id)).estimated_monthly_cost_usd,
    );
    expect(plan.quota).toEqual([{ name: 'quota:vpcs', limit: 5, usage: 0, required: 1, ok: true }]);
    expect(plan.expected_duration_seconds).toBeGreaterThanOrEqual(plan.critical_path.seconds);
    expect(plan.critical_path.stacks[0]).toBe('network');
    expect(plan.layers[0]?.stacks.find((x) => x.name === 'network')?.resources).toContainEqual({
      logical_id: 'Vpc',
      type: 'AWS::EC2::VPC',
    });
  });

  it('of an update: exactly the stacks the update re-provisions, in its order, with why; the dry run changes nothing', async () => {
    // Arrange
    const id = await running();
    const before = await environment(id);
    const change = { parameters: { db_instance_class: 'db.t4g.micro' as const } };
    // Act
    const plan = await planUpdate(harness.deps.environmentDeps, owner, id, change, before.version);
    const unchanged = await environment(id);
    const update = await updateEnvironment(harness.deps.environmentDeps, owner, id, change, before.version);
    // Assert
    expect(unchanged.version).toBe(before.version);
    const operation = must(update.operation, 'operation');
    const planned = plan.layers.flatMap((l) => l.stacks.map((s) => s.name));
    expect(planned).toEqual(operation.targets);
    expect(plan.layers[0]?.stacks[0]).toMatchObject({
      name: 'database-rds',
      change: 'replace',
      reason: 'inputs changed: db_instance_class',
    });
    expect(plan.cost_delta_usd).not.toBe(0);
    await settle(operation.id, 'update');
    ranInLayers(
      await stacksOf(id),
      plan.layers.map((l) => l.stacks.map((s) => s.name)),
    );
  });

  it('of a delete: the teardown order, dependants first, and the cost going to zero', async () => {
    // Arrange
    const id = await running();
    // Act
    const plan = await planDelete(harness.deps.environmentDeps, owner, id);
    const destroy = await destroyEnvironment(harness.deps.environmentDeps, owner, id);
    await settle(destroy.operation.id, 'destroy');
    // Assert
    const order = plan.layers.map((l) => l.stacks.map((s) => s.name));
    expect(order.at(-1)).toContain('network');
    expect(plan.cost_delta_usd).toBe(
      -(await environment(id)).estimated_monthly_cost_usd || plan.cost_delta_usd,
    );
    ranInLayers(await stacksOf(id), order);
    expect((await environment(id)).status).toBe('destroyed');
  });
});

describe('the manifest', () => {
  it('round-trips: get, edit, put (an update of the affected stacks), get again', async () => {
    // Arrange
    const id = await running();
    const manifest = await getManifest(harness.deps.environmentDeps, owner, id);
    expect(manifest.stacks.map((s) => s.name)).toContain('database-rds');
    // Act: edit one parameter and put the whole document back.
    const edited = { ...manifest, parameters: { ...manifest.parameters, storage_gb: 50 } };
    const { parameters, ...rest } = edited;
    const put = await putManifest(
      harness.deps.environmentDeps,
      owner,
      id,
      { ...rest, parameters: parameters as never },
      manifest.version,
    );
    await settle(must(put.operation, 'operation').id, 'update');
    const after = await getManifest(harness.deps.environmentDeps, owner, id);
    // Assert
    expect(put.operation?.targets).toContain('database-rds');
    expect(after.parameters.storage_gb).toBe(50);
    // The stack records what it was provisioned with.
    const exported = await exportStack(harness.deps.environmentDeps, owner, id, 'database-rds');
    expect(exported.inputs.storage_gb).toBe(50);
    expect(after.version).toBeGreaterThan(manifest.version);
    expect((await environment(id)).status).toBe('running');
  });

  it('refuses a changed template, edited stacks and a stale version', async () => {
    const id = await running();
    const manifest = await getManifest(harness.deps.environmentDeps, owner, id);
    const base = { template: manifest.template, parameters: {} };
    await expect(
      putManifest(harness.deps.environmentDeps, owner, id, { ...base, template: 'default' }, undefined),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      putManifest(
        harness.deps.environmentDeps,
        owner,
        id,
        { ...base, stacks: [{ name: 'network' }] },
        undefined,
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      putManifest(harness.deps.environmentDeps, owner, id, base, manifest.version + 5),
    ).rejects.toMatchObject({ name: 'PreconditionFailedError' });
  });
});

describe('single-stack operations', () => {
  it('refuse to delete a stack others depend on; cascade deletes the dependants first; deploy needs the dependencies', async () => {
    // Arrange: in `minimal`, compute-lambda, database-rds and storage depend on security.
    const id = await running();
    const original = (await environment(id)).estimated_monthly_cost_usd;
    // Act + assert
    await expect(
      deleteStack(harness.deps.environmentDeps, owner, id, 'security', { cascade: false }),
    ).rejects.toMatchObject({ name: 'ConflictError', errorCode: 'STACK_HAS_DEPENDANTS' });
    const cascade = await deleteStack(harness.deps.environmentDeps, owner, id, 'security', { cascade: true });
    expect(cascade.operation.kind).toBe('delete_stacks');
    expect(cascade.environment.status).toBe('updating');
    await settle(cascade.operation.id, 'delete_stacks');
    const stacks = await stacksOf(id);
    const targets = must(cascade.operation.targets, 'targets');
    for (const name of targets) expect(stacks.find((s) => s.name === name)?.status).toBe('destroyed');
    expect(new Set(targets)).toEqual(new Set(['security', 'compute-lambda', 'database-rds', 'storage']));
    // Dependants went before the stack they depend on.
    const security = must(
      stacks.find((s) => s.name === 'security'),
      'security',
    );
    for (const name of targets.filter((n) => n !== 'security')) {
      expect(Date.parse(stacks.find((s) => s.name === name)?.finished_at ?? '')).toBeLessThanOrEqual(
        Date.parse(security.started_at ?? ''),
      );
    }
    const env = await environment(id);
    expect(env.status).toBe('running');
    expect(env.estimated_monthly_cost_usd).toBeLessThan(original);
    // A dependant cannot come back before its dependency does.
    await expect(
      deployStack(harness.deps.environmentDeps, owner, id, 'storage', { includeDependants: false }),
    ).rejects.toMatchObject({ name: 'ConflictError', errorCode: 'DEPENDENCIES_NOT_PROVISIONED' });
    // Redeploying security with its dependants brings them all back.
    const redeploy = await deployStack(harness.deps.environmentDeps, owner, id, 'security', {
      includeDependants: true,
    });
    expect(new Set(redeploy.operation.targets)).toEqual(new Set(targets));
    await settle(redeploy.operation.id, 'update');
    expect((await stacksOf(id)).every((s) => s.status === 'provisioned')).toBe(true);
    expect((await environment(id)).estimated_monthly_cost_usd).toBe(original);
  });
});

describe('a stack deletion that fails', () => {
  it('leaves the environment failed with the reason, and a retry after the fix finishes only what is left', async () => {
    // Arrange: storage cannot be deleted.
    const id = await running({ parameters: { simulate: { fail_destroy_stacks: ['storage'] } } });
    // Act
    const deletion = await deleteStack(harness.deps.environmentDeps, owner, id, 'security', {
      cascade: true,
    });
    await settle(deletion.operation.id, 'delete_stacks');
    // Assert
    const failed = await environment(id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/storage/);
    const operation = must(await harness.deps.environmentDeps.operations.get(deletion.operation.id), 'op');
    expect(operation.status).toBe('failed');
    // Fix the cause, then retry: only what is left is deleted.
    await updateEnvironment(
      harness.deps.environmentDeps,
      owner,
      id,
      { parameters: { simulate: {} } },
      undefined,
    );
    const retry = await retryOperation(harness.deps.environmentDeps, owner, deletion.operation.id);
    expect(retry.operation.kind).toBe('delete_stacks');
    expect(retry.operation.targets).toContain('storage');
    expect(retry.operation.targets).not.toContain('compute-lambda');
    await settle(retry.operation.id, 'delete_stacks');
    expect((await environment(id)).status).toBe('running');
    const stacks = await stacksOf(id);
    for (const name of ['security', 'storage', 'compute-lambda', 'database-rds']) {
      expect(stacks.find((x) => x.name === name)?.status).toBe('destroyed');
    }
  });
});

describe('an update whose workflow cannot start', () => {
  it('puts back every setting it changed: parameters, expiry and drift schedule', async () => {
    // Arrange
    const id = await running({ type: 'ephemeral', ttl_hours: 24 });
    const before = await environment(id);
    const unreachable = {
      ...harness.deps.environmentDeps,
      workflows: {
        start: async () => {
          throw new Error('Step Functions is unreachable');
        },
      },
    };
    // Act
    const attempt = updateEnvironment(
      unreachable,
      owner,
      id,
      { parameters: { storage_gb: 40 }, ttl_hours: 48, drift_check: { interval_hours: 6, remediate: false } },
      before.version,
    );
    // Assert
    await expect(attempt).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
    const after = await environment(id);
    expect(after.status).toBe('running');
    expect(after.parameters).toEqual(before.parameters);
    expect(after.expires_at).toBe(before.expires_at);
    expect(after.drift_check ?? null).toBeNull();
    expect(after.next_drift_check_at ?? null).toBeNull();
    expect(
      await harness.deps.sweeperDeps.schedules.listDriftDue(
        new Date(Date.now() + 7 * 3_600_000).toISOString(),
        1000,
      ),
    ).not.toContainEqual(expect.objectContaining({ id }));
  });
});

describe('refresh and drift', () => {
  it('finds nothing without drift, and per-resource differences with it, recorded on the stacks', async () => {
    // Arrange
    const clean = await running();
    const drifting = await running({ parameters: { simulate: { drift_rate: 1 } } });
    // Act
    const none = await refresh(harness.deps.environmentDeps, owner, clean, null);
    const some = await refresh(harness.deps.environmentDeps, owner, drifting, 'network');
    // Assert
    expect(none.changes_detected).toBe(false);
    expect(none.stacks.length).toBeGreaterThan(1);
    expect(some.changes_detected).toBe(true);
    expect(some.stacks).toHaveLength(1);
    const change = must(some.stacks[0]?.changes[0], 'a change');
    expect(change.expected).not.toEqual(change.actual);
    expect(must(await harness.deps.environmentDeps.stacks.get(drifting, 'network'), 'stack').drifted).toBe(
      true,
    );
    const events = await harness.deps.insightsDeps.events.list(
      { environment_id: drifting, type: 'environment.drift_detected' },
      { limit: 10 },
    );
    expect(events.items).toHaveLength(1);
    // The same refresh again gives the same answer (reproducible).
    expect((await refresh(harness.deps.environmentDeps, owner, drifting, 'network')).stacks).toEqual(
      some.stacks,
    );
  });

  it('runs scheduled checks once when due, and remediates by redeploying the drifted stacks', async () => {
    // Arrange
    const id = await running({
      parameters: { simulate: { drift_rate: 0.3 } },
      drift_check: { interval_hours: 1, remediate: true },
    });
    const due = new Date(Date.now() + 61 * 60_000);
    // Act
    const first = await runDueDriftChecks(harness.deps.sweeperDeps, due);
    const second = await runDueDriftChecks(harness.deps.sweeperDeps, due);
    // Assert
    expect(first.checked).toContain(id);
    expect(second.checked).not.toContain(id);
    const remediation = first.remediated.find((r) => r.environment_id === id);
    expect(remediation).toEqual({
      environment_id: id,
      operation_id: expect.stringMatching(/^op_[0-9a-hjkmnp-tv-z]{26}$/),
    });
    const operation = must(
      await harness.deps.environmentDeps.operations.get(remediation?.operation_id ?? ''),
      'op',
    );
    expect(operation).toMatchObject({
      kind: 'update',
      reason: 'drift_remediation',
      requested_by: 'system:drift-check',
    });
    await settle(operation.id, 'update');
    const stacks = await stacksOf(id);
    for (const name of must(operation.targets, 'targets')) {
      expect(stacks.find((s) => s.name === name)).toMatchObject({ status: 'provisioned', drifted: false });
    }
    expect(Date.parse((await environment(id)).next_drift_check_at ?? '')).toBeGreaterThan(due.getTime());
  });
});

describe('the stack export', () => {
  it('is the same document twice in a row, with resources by logical id and the inputs it consumes', async () => {
    const id = await running();
    const first = await exportStack(harness.deps.environmentDeps, owner, id, 'database-rds');
    const second = await exportStack(harness.deps.environmentDeps, owner, id, 'database-rds');
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first).toMatchObject({
      schema_version: 1,
      stack: 'database-rds',
      status: 'provisioned',
      drifted: false,
    });
    const ids = first.resources.map((r) => String(r.logical_id));
    expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
    expect(Object.keys(first.inputs)).toEqual(expect.arrayContaining(['db_instance_class', 'db_engine']));
    expect(first.last_operation_id).toMatch(/^op_/);
  });
});
