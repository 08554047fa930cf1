/**
 * Deployments, events, metrics and their audit trail over HTTP in local mode, with real
 * Cognito tokens; every answer is checked against its route's documented schema.
 */
import { describe, expect, it } from 'vitest';
import { type Reply, useLocalMode } from './support.ts';

const local = useLocalMode({
  // Waits of 200 ms: a rollout lasts long enough to be seen in flight.
  waitOverrideMs: 200,
  sweepIntervalMs: 0,
  users: ['Developers', 'Administrators', 'ReadOnly'],
  project: 'lifecycle',
  environment: { name: 'app', type: 'persistent', template: 'minimal' },
});
const developer = local.as('Developers');
const admin = local.as('Administrators');
const readOnly = local.as('ReadOnly');

async function waitForDeployment(id: string): Promise<Reply> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const reply = await developer.call('GET', `/deployments/${id}`);
    if (['succeeded', 'failed', 'rolled_back'].includes(String(reply.body.status))) return reply;
    if (Date.now() > deadline) throw new Error(`deployment ${id} stayed ${String(reply.body.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('deployments over HTTP', () => {
  it('accepts a rolling deployment (202), holds the environment while it runs, and ends succeeded', async () => {
    // Arrange: the environment as read before the deployment (its If-Match value).
    const before = await developer.call('GET', `/environments/${local.environmentId}`);
    const version = Number(before.body.version);
    // Act
    const accepted = await developer.call('POST', `/environments/${local.environmentId}/deployments`, {
      body: { version: 'v1.0.0' },
    });
    // Assert: pending, three planned batches.
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'pending', strategy: 'rolling', previous_version: null });
    expect((accepted.body.batches as { percent: number }[]).map((b) => b.percent)).toEqual([25, 50, 100]);
    const id = String(accepted.body.id);
    // While it rolls out: a second deployment and a destroy are refused, naming it.
    const second = await developer.call('POST', `/environments/${local.environmentId}/deployments`, {
      body: { version: 'v2' },
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error_code: 'DEPLOYMENT_IN_PROGRESS', deployment_id: id });
    const destroy = await developer.call('DELETE', `/environments/${local.environmentId}`);
    expect(destroy.status).toBe(409);
    expect(destroy.body).toMatchObject({ error_code: 'DEPLOYMENT_IN_PROGRESS' });
    const during = await developer.call('GET', `/environments/${local.environmentId}`);
    expect(during.body.active_deployment_id).toBe(id);
    // Then it ends, and the environment runs the version.
    const done = await waitForDeployment(id);
    expect(done.body).toMatchObject({ status: 'succeeded', error: null });
    const environment = await developer.call('GET', `/environments/${local.environmentId}`);
    expect(environment.body).toMatchObject({
      current_version: 'v1.0.0',
      active_deployment_id: null,
      version: version + 1,
    });
    // The deployment moved the version: a change based on the read from before it is stale.
    const stale = await developer.call('PATCH', `/environments/${local.environmentId}`, {
      headers: { 'if-match': String(version) },
      body: { on_failure: 'keep' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error_code: 'PRECONDITION_FAILED' });
    expect((await developer.call('GET', `/environments/${local.environmentId}`)).body).toMatchObject({
      version: version + 1,
      on_failure: 'rollback',
    });
    const logs = await developer.call('GET', `/deployments/${id}/logs`);
    expect((logs.body.items as { deployment_id: string }[]).every((l) => l.deployment_id === id)).toBe(true);
    // Oldest first: the request, the plan, then each batch and its health check, the outcome.
    expect((logs.body.items as { message: string }[]).map((l) => l.message)).toEqual([
      'Deployment of v1.0.0 requested (rolling: 25% → 50% → 100%)',
      'Rolling out v1.0.0 in 3 batches: 25% → 50% → 100%',
      'Batch 1/3: deploying v1.0.0 to 25% of instances (2 of 8)',
      'Batch 1: health check passed on 2 instances',
      'Batch 2/3: deploying v1.0.0 to 50% of instances (4 of 8)',
      'Batch 2: health check passed on 4 instances',
      'Batch 3/3: deploying v1.0.0 to 100% of instances (8 of 8)',
      'Batch 3: health check passed on 8 instances',
      'Deployment succeeded: v1.0.0 is serving on all 8 instances',
    ]);
  });

  it('rolls a failing version back and says so in the list', async () => {
    // Act
    const accepted = await developer.call('POST', `/environments/${local.environmentId}/deployments`, {
      body: { version: 'v1.1.0', strategy: 'all_at_once', simulate: { fail_at_batch: 1 } },
    });
    const done = await waitForDeployment(String(accepted.body.id));
    // Assert
    expect(done.body).toMatchObject({ status: 'rolled_back', previous_version: 'v1.0.0' });
    const list = await developer.call('GET', `/environments/${local.environmentId}/deployments`);
    expect(
      (list.body.items as { version: string; status: string }[]).map((d) => [d.version, d.status]),
    ).toEqual([
      ['v1.1.0', 'rolled_back'],
      ['v1.0.0', 'succeeded'],
    ]);
    expect((await developer.call('GET', `/environments/${local.environmentId}`)).body.current_version).toBe(
      'v1.0.0',
    );
  });

  it('refuses bad input, read-only callers and unknown deployments with the error shape', async () => {
    const post = (body: unknown, as = developer) =>
      as.call('POST', `/environments/${local.environmentId}/deployments`, { body });
    expect((await post({ version: 'has space' })).status).toBe(422);
    expect((await post({ version: 'v1', strategy: 'canary' })).status).toBe(422);
    expect((await post({ version: 'v1', extra: true })).status).toBe(422);
    const tooLate = await post({ version: 'v1', strategy: 'all_at_once', simulate: { fail_at_batch: 2 } });
    expect(tooLate.status).toBe(422);
    expect(tooLate.body).toMatchObject({ error_code: 'VALIDATION_ERROR' });
    expect((await post({ version: 'v1' }, readOnly)).status).toBe(403);
    expect((await developer.call('GET', '/deployments/dep_01jd8x3k5m7n9p1q3r5s7t9v1w')).status).toBe(404);
    expect((await developer.call('GET', '/deployments/nope')).status).toBe(400);
  });
});

describe('another developer', () => {
  it('sees none of it: 404 on the deployments, their logs and the events of an environment not theirs', async () => {
    // Arrange
    const email = 'other-dev@example.org';
    const password = 'Other-Passw0rd!';
    await local.api.call('POST', '/auth/signup', { body: { email, password } });
    const other = (await local.api.login(email, password)).id_token;
    const list = await developer.call('GET', `/environments/${local.environmentId}/deployments`);
    const depId = String((list.body.items as { id: string }[])[0]?.id);
    // Act + assert
    expect((await local.api.call('GET', `/deployments/${depId}`, { token: other })).status).toBe(404);
    expect((await local.api.call('GET', `/deployments/${depId}/logs`, { token: other })).status).toBe(404);
    expect(
      (await local.api.call('GET', `/environments/${local.environmentId}/deployments`, { token: other }))
        .status,
    ).toBe(404);
    const post = await local.api.call('POST', `/environments/${local.environmentId}/deployments`, {
      token: other,
      body: { version: 'x' },
    });
    expect(post.status).toBe(404);
    expect(
      (await local.api.call('GET', `/events?environment_id=${local.environmentId}`, { token: other })).status,
    ).toBe(404);
    const theirs = await local.api.call('GET', '/events', { token: other });
    expect(
      (theirs.body.items as { environment_id: string }[]).some(
        (e) => e.environment_id === local.environmentId,
      ),
    ).toBe(false);
    // An administrator sees them.
    expect((await admin.call('GET', `/deployments/${depId}`)).status).toBe(200);
  });
});

describe('events and metrics over HTTP', () => {
  it('lists the environment’s events newest first, filtered by type', async () => {
    const all = await developer.call('GET', `/events?environment_id=${local.environmentId}`);
    expect(all.status).toBe(200);
    const types = (all.body.items as { type: string }[]).map((e) => e.type);
    expect(types.at(-1)).toBe('environment.provisioning');
    expect(types).toEqual(
      expect.arrayContaining(['environment.running', 'deployment.succeeded', 'deployment.rolled_back']),
    );
    const rolledBack = await developer.call(
      'GET',
      `/events?environment_id=${local.environmentId}&type=deployment.rolled_back`,
    );
    expect(rolledBack.body.items).toHaveLength(1);
    expect((await developer.call('GET', '/events?type=nothing')).status).toBe(400);
    // Paginated: one at a time, with a cursor.
    const first = await developer.call('GET', `/events?environment_id=${local.environmentId}&limit=1`);
    const next = await developer.call(
      'GET',
      `/events?environment_id=${local.environmentId}&limit=1&cursor=${encodeURIComponent(String(first.body.next_cursor))}`,
    );
    // The pages are the list's first and second events, in the same order.
    const ids = (all.body.items as { id: string }[]).map((e) => e.id);
    expect((first.body.items as { id: string }[]).map((e) => e.id)).toEqual(ids.slice(0, 1));
    expect((next.body.items as { id: string }[]).map((e) => e.id)).toEqual(ids.slice(1, 2));
  });

  it('reports metrics consistent with what happened', async () => {
    const metrics = await developer.call('GET', '/metrics?period=1h');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({
      period: '1h',
      operations: { started: 1, succeeded: 1, failed: 0, cancelled: 0 },
      provisions_succeeded: 1,
      deployments: { started: 2, succeeded: 1, failed: 0, rolled_back: 1 },
    });
    expect((metrics.body.environments_by_status as Record<string, number>).running).toBe(1);
    // The one provision's duration, as its operation.finished event says, to a tenth of a second.
    const finished = await developer.call(
      'GET',
      `/events?environment_id=${local.environmentId}&type=operation.finished`,
    );
    const [provision] = finished.body.items as { detail: { kind: string; duration_seconds: number } }[];
    expect(finished.body.items).toHaveLength(1);
    expect(provision?.detail.kind).toBe('provision');
    expect(metrics.body.average_provisioning_seconds).toBe(
      Math.round((provision?.detail.duration_seconds ?? Number.NaN) * 10) / 10,
    );
    expect((await developer.call('GET', '/metrics?period=2h')).status).toBe(400);
  });

  it('leaves an audit entry for each deployment request, refused ones included', async () => {
    const audit = await admin.call('GET', '/audit?limit=100');
    const entries = (audit.body.items as { action: string; status: number; resource_id: string }[]).filter(
      (a) => a.action === 'createDeployment',
    );
    expect(entries.map((a) => a.status)).toEqual(expect.arrayContaining([202, 409, 422, 403]));
    // An accepted request names what it created; a refused one the environment it was about.
    const deployments = await developer.call('GET', `/environments/${local.environmentId}/deployments`);
    expect(
      entries
        .filter((a) => a.status === 202)
        .map((a) => a.resource_id)
        .sort(),
    ).toEqual((deployments.body.items as { id: string }[]).map((d) => d.id).sort());
    expect(entries.find((a) => a.status === 409)?.resource_id).toBe(local.environmentId);
  });
});
