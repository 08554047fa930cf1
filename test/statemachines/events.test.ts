/**
 * Lifecycle events and metrics against DynamoDB Local, the real workflow and the local
 * event bus: what an environment's life records, in order, what reaches the bus and the
 * notification rule, who sees which events, and counters that agree with what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../functions/domain/access.ts';
import type { CreateEnvironmentInput } from '../../functions/domain/inputs.ts';
import type { LifecycleEvent } from '../../functions/domain/lifecycle-events.ts';
import { destroyEnvironment } from '../../functions/domain/use-cases/environments.ts';
import { getMetrics, listEvents } from '../../functions/domain/use-cases/events.ts';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness;
const owner = principalFromClaims({ sub: 'events-owner', 'cognito:groups': 'Developers' }, 'Developers');
const stranger = principalFromClaims(
  { sub: 'events-stranger', 'cognito:groups': 'Developers' },
  'Developers',
);
const admin = principalFromClaims(
  { sub: 'events-admin', 'cognito:groups': 'Administrators' },
  'Administrators',
);

beforeAll(async () => {
  harness = await startHarness('events-tests');
});

afterAll(async () => {
  await harness?.stop();
});

const settle = (operationId: string, kind: string) => harness.settle(operationId, kind);

const provisioned = (input: Partial<CreateEnvironmentInput> = {}) => harness.provisioned(owner, input);

async function eventsOf(environmentId: string): Promise<LifecycleEvent[]> {
  const page = await harness.deps.insightsDeps.events.list({ environment_id: environmentId }, { limit: 100 });
  return page.items.reverse();
}

const readers = () => ({
  events: harness.deps.insightsDeps.events,
  environments: harness.deps.environmentDeps.environments,
  projects: harness.deps.environmentDeps.projects,
});

const metricsNow = () => getMetrics(harness.deps.insightsDeps, '1h', new Date());

describe('lifecycle events', () => {
  it('record an environment’s life in order, and reach the bus', async () => {
    // Arrange + act: provision, then destroy.
    const created = await provisioned();
    const id = created.environment.id;
    const destroy = await destroyEnvironment(harness.deps.environmentDeps, owner, id);
    await settle(destroy.operation.id, 'destroy');
    // Assert
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual([
      'environment.provisioning',
      'operation.started',
      'operation.finished',
      'environment.running',
      'environment.destroying',
      'operation.started',
      'operation.finished',
      'environment.destroyed',
    ]);
    expect(events[2]).toMatchObject({
      operation_id: created.operation.id,
      detail: { kind: 'provision', status: 'succeeded', error: null },
    });
    expect(events[3]?.detail).toMatchObject({ status: 'running', previous_status: 'provisioning' });
    expect(events[7]?.detail).toMatchObject({ status: 'destroyed', previous_status: 'destroying' });
    await harness.published();
    const onBus = harness.bus.events.filter((e) => e.detail.environment_id === id);
    expect(onBus.map((e) => e.detailType)).toEqual(events.map((e) => e.detail_type));
    expect(onBus.every((e) => e.source === 'cloud-env.provisioning')).toBe(true);
  });

  it('tell subscribers about a failure through the notification rule', async () => {
    // Act
    const created = await provisioned({
      parameters: { simulate: { fail_stacks: ['database-rds'] } },
      on_failure: 'keep',
    });
    // Assert
    const events = await eventsOf(created.environment.id);
    const failed = events.find((e) => e.type === 'environment.failed');
    expect(failed?.detail.error).toMatch(/database-rds/);
    expect(events.find((e) => e.type === 'operation.finished')?.detail).toMatchObject({ status: 'failed' });
    await harness.published();
    const notified = harness.bus.notifications.filter(
      (e) => e.detail.environment_id === created.environment.id,
    );
    expect(notified.map((e) => e.detailType)).toEqual(['Environment Failed']);
  });

  it('are visible to the environment’s owner and to everyone-seeing roles, not to other developers', async () => {
    // Arrange
    const created = await provisioned();
    const id = created.environment.id;
    // Act
    const mine = await listEvents(readers(), owner, {}, { limit: 100 });
    const theirs = await listEvents(readers(), stranger, {}, { limit: 100 });
    const all = await listEvents(readers(), admin, { type: 'environment.running' }, { limit: 100 });
    // Assert
    expect(mine.items.some((e) => e.environment_id === id)).toBe(true);
    expect(theirs.items).toEqual([]);
    expect(all.items.some((e) => e.environment_id === id && e.type === 'environment.running')).toBe(true);
    expect(all.items.every((e) => e.type === 'environment.running')).toBe(true);
    await expect(
      listEvents(readers(), stranger, { environment_id: id }, { limit: 10 }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('metrics', () => {
  it('count operations, provisioning time and environments by status as they happen', async () => {
    // Arrange
    await harness.published();
    const before = await metricsNow();
    // Act: one provision that succeeds, one that fails, and a destroy of the first.
    const ok = await provisioned();
    await provisioned({ parameters: { simulate: { fail_stacks: ['database-rds'] } }, on_failure: 'keep' });
    const destroy = await destroyEnvironment(harness.deps.environmentDeps, owner, ok.environment.id);
    await settle(destroy.operation.id, 'destroy');
    await harness.published();
    const after = await metricsNow();
    // Assert
    expect(after.operations.started - before.operations.started).toBe(3);
    expect(after.operations.succeeded - before.operations.succeeded).toBe(2);
    expect(after.operations.failed - before.operations.failed).toBe(1);
    expect(after.provisions_succeeded - before.provisions_succeeded).toBe(1);
    expect(after.average_provisioning_seconds).not.toBeNull();
    expect(after.environments_by_status.failed - before.environments_by_status.failed).toBe(1);
    expect(after.environments_by_status.destroyed - before.environments_by_status.destroyed).toBe(1);
    expect(after.environments_by_status.running).toBe(before.environments_by_status.running);
    expect(after.environments_by_status.provisioning).toBe(before.environments_by_status.provisioning);
  });
});
