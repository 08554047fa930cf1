/**
 * The TTL sweeper against DynamoDB Local with the real workflow: expired ephemeral
 * environments are torn down once, none missed when many expire together, persistent
 * and unexpired ones untouched, and a TTL destroy that failed is not retried in a loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../functions/domain/access.ts';
import type { CreateEnvironmentInput } from '../../functions/domain/inputs.ts';
import { updateEnvironment } from '../../functions/domain/use-cases/operations.ts';
import { sweepExpiredEnvironments, TTL_EXPIRED } from '../../functions/domain/use-cases/ttl.ts';
import { type Harness, must, startHarness } from './harness.ts';

let harness: Harness;
const owner = principalFromClaims({ sub: 'ttl-owner', 'cognito:groups': 'Developers' }, 'Developers');

beforeAll(async () => {
  harness = await startHarness('ttl-tests');
});

afterAll(async () => {
  await harness?.stop();
});

const settle = (operationId: string, kind: string) => harness.settle(operationId, kind);

const runningEnvironment = (input: Partial<CreateEnvironmentInput> = {}) =>
  harness.provisioned(owner, { type: 'ephemeral', ...input });

/** Arrange: an expiry in the past (the API only accepts future ones). */
async function expire(environmentId: string, minutesAgo = 1) {
  const environment = must(await harness.deps.environmentDeps.environments.get(environmentId), 'environment');
  await harness.deps.environmentDeps.environments.updateSettings(environment, {
    expiry: {
      id: environmentId,
      ttl_hours: environment.ttl_hours,
      expires_at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    },
  });
}

async function environment(id: string) {
  return must(await harness.deps.environmentDeps.environments.get(id), 'environment');
}

/** The sweeper's deps, warning of expiries `warningMinutes` ahead (by default none). */
const sweeper = (warningMinutes = 0) => ({
  ...harness.deps.sweeperDeps,
  settings: { ...harness.deps.sweeperDeps.settings, warningMinutes },
});

describe('the TTL sweeper', () => {
  it('tears down every expired ephemeral environment once, and nothing else', async () => {
    // Arrange: three expired, one not yet, one persistent.
    const expired = await Promise.all([runningEnvironment(), runningEnvironment(), runningEnvironment()]);
    const fresh = await runningEnvironment({ ttl_hours: 2 });
    const persistent = await runningEnvironment({ type: 'persistent' });
    for (const e of expired) await expire(e.environment.id);
    // Act
    const sweep = await sweepExpiredEnvironments(sweeper(), new Date());
    // Assert
    expect(sweep.started.sort()).toEqual(expired.map((e) => e.environment.id).sort());
    for (const e of expired) {
      const env = await environment(e.environment.id);
      expect(['destroying', 'destroyed']).toContain(env.status);
      const operation = must(
        await harness.deps.environmentDeps.operations.get(must(env.current_operation_id, 'op')),
        'op',
      );
      expect(operation).toMatchObject({
        kind: 'destroy',
        reason: TTL_EXPIRED,
        requested_by: 'system:ttl-sweeper',
      });
      await settle(operation.id, 'destroy');
      expect((await environment(e.environment.id)).status).toBe('destroyed');
    }
    expect((await environment(fresh.environment.id)).status).toBe('running');
    expect((await environment(persistent.environment.id)).status).toBe('running');
    // Once: destroyed environments have left the expiry index.
    const again = await sweepExpiredEnvironments(sweeper(), new Date());
    expect(again.started).toEqual([]);
  });

  it('does not retry a TTL destroy that failed, in a loop', async () => {
    const created = await runningEnvironment({
      parameters: { simulate: { fail_destroy_stacks: ['network'] } },
    });
    await expire(created.environment.id);
    const first = await sweepExpiredEnvironments(sweeper(), new Date());
    expect(first.started).toEqual([created.environment.id]);
    const env = await environment(created.environment.id);
    await settle(must(env.current_operation_id, 'op'), 'destroy');
    expect((await environment(created.environment.id)).status).toBe('failed');
    const second = await sweepExpiredEnvironments(sweeper(), new Date());
    expect(second.started).toEqual([]);
    expect(second.deferred).toContain(created.environment.id);
  });

  it('does not destroy an environment whose expiry moved after the index was read', async () => {
    // Arrange: the index says expired, the record (read fresh) says otherwise.
    const created = await runningEnvironment();
    await expire(created.environment.id);
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await harness.client.documentClient().send(
      new UpdateCommand({
        TableName: harness.table,
        Key: { PK: `ENV#${created.environment.id}`, SK: 'ENV' },
        UpdateExpression: 'SET expires_at = :later',
        ExpressionAttributeValues: { ':later': new Date(Date.now() + 3_600_000).toISOString() },
      }),
    );
    // Act
    const sweep = await sweepExpiredEnvironments(sweeper(), new Date());
    // Assert
    expect(sweep.started).not.toContain(created.environment.id);
    expect(sweep.deferred).toContain(created.environment.id);
    expect((await environment(created.environment.id)).status).toBe('running');
  });

  it('moves the expiry when PATCH gives a new TTL, within the maximum', async () => {
    const created = await runningEnvironment();
    const later = new Date(Date.now() + 3 * 3_600_000).toISOString();
    const patched = await updateEnvironment(
      harness.deps.environmentDeps,
      owner,
      created.environment.id,
      { expires_at: later },
      undefined,
    );
    expect(patched.operation).toBeNull();
    expect(patched.environment).toMatchObject({ expires_at: later, ttl_hours: 3 });
    expect((await environment(created.environment.id)).expires_at).toBe(later);
    // Not swept before its new expiry, swept after it.
    expect((await sweepExpiredEnvironments(sweeper(), new Date())).started).toEqual([]);
    const afterExpiry = new Date(Date.parse(later) + 1_000);
    expect((await sweepExpiredEnvironments(sweeper(), afterExpiry)).started).toContain(
      created.environment.id,
    );
    await expect(
      updateEnvironment(
        harness.deps.environmentDeps,
        owner,
        created.environment.id,
        { ttl_hours: 1000 },
        undefined,
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

describe('the expiry warning', () => {
  const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
  async function expiresAt(environmentId: string, at: string) {
    const current = await environment(environmentId);
    await harness.deps.environmentDeps.environments.updateSettings(current, {
      expiry: { id: environmentId, ttl_hours: current.ttl_hours, expires_at: at },
    });
  }
  const expiringEvents = async (environmentId: string) =>
    (
      await harness.deps.insightsDeps.events.list(
        { environment_id: environmentId, type: 'environment.expiring' },
        { limit: 100 },
      )
    ).items;

  it('is emitted once per environment about to expire, for all of them, and for no other', async () => {
    // Arrange: four expire within the warning window, one well after it.
    const soon = await Promise.all([1, 2, 3, 4].map(() => runningEnvironment()));
    const later = await runningEnvironment();
    for (const created of soon) await expiresAt(created.environment.id, inMinutes(10));
    await expiresAt(later.environment.id, inMinutes(120));
    const ids = soon.map((c) => c.environment.id);
    // Act: two sweeps, as two minutes would run them.
    const first = await sweepExpiredEnvironments(sweeper(30), new Date());
    const second = await sweepExpiredEnvironments(sweeper(30), new Date());
    // Assert
    expect(first.warned).toEqual(expect.arrayContaining(ids));
    expect(first.warned).not.toContain(later.environment.id);
    expect(second.warned.filter((id) => ids.includes(id))).toEqual([]);
    for (const id of ids) {
      const events = await expiringEvents(id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'environment.expiring', detail_type: 'Environment Expiring' });
      expect(events[0]?.detail).toMatchObject({ minutes_left: 10 });
      expect((await environment(id)).status).toBe('running');
    }
    expect(await expiringEvents(later.environment.id)).toEqual([]);
    // The bus got them too (once published from the table's stream), and they are what the
    // notification rule sends on.
    await harness.published();
    const onBus = harness.bus.notifications.filter(
      (e) => e.detailType === 'Environment Expiring' && ids.includes(String(e.detail.environment_id)),
    );
    expect(onBus).toHaveLength(ids.length);
  });

  it('is emitted again when the expiry moves (a new TTL gets its own warning)', async () => {
    // Arrange
    const created = await runningEnvironment();
    await expiresAt(created.environment.id, inMinutes(10));
    await sweepExpiredEnvironments(sweeper(30), new Date());
    // Act: extended, but still inside the window.
    await expiresAt(created.environment.id, inMinutes(20));
    const sweep = await sweepExpiredEnvironments(sweeper(30), new Date());
    // Assert
    expect(sweep.warned).toContain(created.environment.id);
    expect(await expiringEvents(created.environment.id)).toHaveLength(2);
  });
});
