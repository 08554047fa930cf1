/**
 * Protected environments and approvals over HTTP (issue 14, docs/decisions.md §43): local
 * mode with real Cognito tokens, the same state machines waiting in their callback task, and
 * answers from another user (a restart while one waits: approvals-restart.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { type Client, type Reply, useLocalMode } from './support.ts';

const APPROVAL_TIMEOUT_SECONDS = 12;

const local = useLocalMode({
  users: ['Administrators', 'Developers', 'ReadOnly'],
  project: 'guarded',
  approvalTimeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
});

/** A running, protected, persistent `minimal` environment of the Developers user. */
async function protectedEnvironment(name: string): Promise<string> {
  const developer = local.as('Developers');
  const created = await developer.call('POST', `/projects/${local.projectId}/environments`, {
    body: { name, type: 'persistent', template: 'minimal', protected: true },
  });
  expect(created.status).toBe(202);
  expect(created.body.protected).toBe(true);
  const id = String(created.body.id);
  await developer.waitForStatus(id, 'running');
  return id;
}

async function operationReaches(client: Client, operationId: string, status: string): Promise<Reply> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const reply = await client.call('GET', `/operations/${operationId}`);
    if (reply.body.status === status) return reply;
    if (Date.now() > deadline)
      throw new Error(`operation stayed ${String(reply.body.status)}, never ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function operationOf(reply: Reply): Record<string, unknown> {
  return reply.body.operation as Record<string, unknown>;
}

describe('a protected environment’s destroy waits for an approver', () => {
  it('waits with nothing changed, is listed for the Administrator, refused to the requester and ReadOnly, then runs once approved', async () => {
    // Arrange
    const developer = local.as('Developers');
    const admin = local.as('Administrators');
    const envId = await protectedEnvironment('approve-over-http');
    // Act: the owner asks for the destroy
    const requested = await developer.call('DELETE', `/environments/${envId}`);
    const operation = operationOf(requested);
    const opId = String(operation.id);
    // Assert: recorded, waiting, nothing changed
    expect(requested.status).toBe(202);
    expect(requested.body.status).toBe('awaiting_approval');
    expect(operation).toMatchObject({
      kind: 'destroy',
      status: 'awaiting_approval',
      approval: {
        status: 'pending',
        reason: 'destroy of a protected environment',
        previous_status: 'running',
      },
      plan: { summary: 'destroy: delete 8 stacks in 3 layers', monthly_cost_after_usd: 0 },
    });
    const stacks = await developer.call('GET', `/environments/${envId}/stacks`);
    expect((stacks.body.items as { status: string }[]).map((s) => s.status)).toEqual(
      Array(8).fill('provisioned'),
    );
    const blocked = await developer.call('POST', `/environments/${envId}/stop`);
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ error_code: 'OPERATION_IN_PROGRESS', operation_id: opId });
    // Act + Assert: who may answer
    const listed = await admin.call('GET', '/approvals');
    expect(listed.status).toBe(200);
    expect((listed.body.items as { operation: { id: string } }[]).map((i) => i.operation.id)).toContain(opId);
    expect((await developer.call('GET', '/approvals')).body.items).toEqual([]);
    const own = await developer.call('POST', `/operations/${opId}/approve`, { body: {} });
    expect(own.status).toBe(403);
    expect(own.body.detail).toBe('You requested this operation: someone else must approve or reject it');
    const reader = await local.as('ReadOnly').call('POST', `/operations/${opId}/approve`, { body: {} });
    expect(reader.status).toBe(403);
    // Act: an Administrator approves
    const approved = await admin.call('POST', `/operations/${opId}/approve`, {
      body: { comment: 'change window' },
    });
    // Assert: it runs to the end
    expect(approved.status).toBe(202);
    expect(approved.body.status).toBe('destroying');
    expect(operationOf(approved)).toMatchObject({ status: 'running', approval: { status: 'approved' } });
    await developer.waitForStatus(envId, 'destroyed');
    const done = await operationReaches(developer, opId, 'succeeded');
    expect(done.body.approval).toMatchObject({
      status: 'approved',
      answered_by_name: 'Local Admin',
      comment: 'change window',
    });
    const again = await admin.call('POST', `/operations/${opId}/approve`, { body: {} });
    expect(again.status).toBe(409);
    // The events and the audit log say who asked and who approved.
    const events = await admin.call('GET', `/events?environment_id=${envId}`);
    const types = (events.body.items as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['operation.awaiting_approval', 'operation.approved']));
    const audit = await admin.call('GET', `/audit?resource=${opId}`);
    expect(
      (audit.body.items as { action: string; outcome: string }[]).map((a) => [a.action, a.outcome]),
    ).toEqual(expect.arrayContaining([['approveOperation', 'success']]));
  });

  it('a rejection ends it rejected and the environment runs on, unchanged', async () => {
    // Arrange
    const developer = local.as('Developers');
    const envId = await protectedEnvironment('reject-over-http');
    const requested = await developer.call('DELETE', `/environments/${envId}`);
    const opId = String(operationOf(requested).id);
    // Act
    const rejected = await local
      .as('Administrators')
      .call('POST', `/operations/${opId}/reject`, { body: { comment: 'still in use' } });
    // Assert
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('running');
    expect(operationOf(rejected)).toMatchObject({
      status: 'rejected',
      error: 'Rejected by Local Admin: still in use',
      approval: { status: 'rejected', comment: 'still in use' },
    });
    const env = await developer.call('GET', `/environments/${envId}`);
    expect(env.body).toMatchObject({ status: 'running', protected: true, error: null });
  });

  it('a cancel while it waits ends it cancelled at once', async () => {
    // Arrange
    const developer = local.as('Developers');
    const envId = await protectedEnvironment('cancel-over-http');
    const requested = await developer.call('DELETE', `/environments/${envId}`);
    const opId = String(operationOf(requested).id);
    // Act
    const cancelled = await developer.call('POST', `/operations/${opId}/cancel`);
    // Assert
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', approval: { status: 'cancelled' } });
    expect((await developer.call('GET', `/environments/${envId}`)).body.status).toBe('running');
  });

  it('expires when nobody answers in time, nothing changed', async () => {
    // Arrange
    const developer = local.as('Developers');
    const envId = await protectedEnvironment('expire-over-http');
    // Act
    const requested = await developer.call('DELETE', `/environments/${envId}`);
    const opId = String(operationOf(requested).id);
    const expired = await operationReaches(developer, opId, 'expired');
    // Assert
    expect(expired.body.approval).toMatchObject({ status: 'expired' });
    expect((await developer.call('GET', `/environments/${envId}`)).body).toMatchObject({
      status: 'running',
      error: null,
    });
  }, 90_000);

  it('only an Administrator sets a project’s approval policy; an ephemeral environment cannot be protected', async () => {
    // Act
    const byOwner = await local.as('Developers').call('PATCH', `/projects/${local.projectId}`, {
      body: { approval_policy: { operations: ['destroy'] } },
    });
    const byAdmin = await local.as('Administrators').call('PATCH', `/projects/${local.projectId}`, {
      body: { approval_policy: { operations: ['destroy', 'update', 'delete_stacks'], approvers: [] } },
    });
    const ephemeral = await local.as('Developers').call('POST', `/projects/${local.projectId}/environments`, {
      body: { name: 'never-protected', type: 'ephemeral', template: 'minimal', protected: true },
    });
    // Assert
    expect(byOwner.status).toBe(403);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.approval_policy).toEqual({
      operations: ['destroy', 'update', 'delete_stacks'],
      approvers: [],
    });
    expect(ephemeral.status).toBe(422);
    expect(ephemeral.body.errors).toEqual([
      {
        field: 'body.protected',
        message: 'an ephemeral environment cannot be protected (its TTL destroys it)',
      },
    ]);
  });
});
