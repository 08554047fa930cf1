/**
 * The provisioning engine over HTTP in local mode: operations, cancel, retry, update
 * with If-Match, stop/start, logs and their filters, the VPC quota under concurrent
 * creates, and the validation routes. Waits are slowed a little (every Wait state
 * sleeps 150 ms) so an operation can be caught in flight.
 */
import { describe, expect, it } from 'vitest';
import { useLocalMode } from './support.ts';

const local = useLocalMode({ waitOverrideMs: 150, users: ['Developers', 'ReadOnly'], project: 'engine' });
const developer = local.as('Developers');
const readOnly = local.as('ReadOnly');

type Json = Record<string, unknown>;

let accounts = 300000000000;
/** Each environment in its own account, so this file's environments never meet the VPC quota. */
async function create(body: Json): Promise<{ envId: string; opId: string; reply: Json }> {
  const reply = await developer.call('POST', `/projects/${local.projectId}/environments`, {
    body: { account_id: String(accounts++), ...body },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  return { envId: String(reply.body.id), opId: String((reply.body.operation as Json).id), reply: reply.body };
}

async function until(path: string, done: (body: Json) => boolean, timeoutMs = 60_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await developer.call('GET', path);
    if (done(reply.body)) return reply.body;
    if (Date.now() > deadline) throw new Error(`timed out on ${path}: ${JSON.stringify(reply.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const settled = (envId: string) =>
  until(`/environments/${envId}`, (b) =>
    ['running', 'failed', 'stopped', 'destroyed'].includes(String(b.status)),
  );

describe('operations', () => {
  it('cancels a provision in the middle: nothing new starts, it rolls back, the operation ends cancelled', async () => {
    // Arrange
    const { envId, opId } = await create({ name: 'cancel-me', template: 'default' });
    await until(`/operations/${opId}`, (b) => Number((b.progress as Json).layer) >= 2);
    // Act
    const cancel = await developer.call('POST', `/operations/${opId}/cancel`);
    // Assert
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ id: opId, status: 'running', cancel_requested: true });
    const env = await settled(envId);
    expect(env).toMatchObject({ status: 'failed' });
    expect(String(env.error)).toMatch(/^Cancelled by request; rolled back/);
    const op = await developer.call('GET', `/operations/${opId}`);
    expect(op.body).toMatchObject({ status: 'cancelled', outcome: 'rolled_back', kind: 'provision' });
    const stacks = op.body.stacks as { name: string; status: string }[];
    expect(stacks).toHaveLength(16);
    expect(stacks.find((s) => s.name === 'containers-apps')?.status).toBe('not_started');
    expect(stacks.find((s) => s.name === 'network')?.status).toBe('destroyed');
    const again = await developer.call('POST', `/operations/${opId}/cancel`);
    expect(again.status).toBe(409);
  });

  it('retries a failed provision after the cause is fixed, resuming from the failed and skipped stacks', async () => {
    const { envId, opId } = await create({
      name: 'retry-me',
      on_failure: 'keep',
      template: 'minimal',
      parameters: { simulate: { fail_stacks: ['security'] } },
    });
    const failed = await settled(envId);
    expect(failed.status).toBe('failed');
    const list = await developer.call('GET', `/environments/${envId}/operations`);
    expect((list.body.items as Json[])[0]).toMatchObject({ id: opId, status: 'failed', attempt: 1 });
    // Fix the cause: a settings-only change answers 200 with no operation.
    const fix = await developer.call('PATCH', `/environments/${envId}`, {
      body: { parameters: { simulate: {} } },
      headers: { 'if-match': `"${String(failed.version)}"` },
    });
    expect(fix.status).toBe(200);
    expect(fix.body.operation).toBeNull();
    // Act
    const retry = await developer.call('POST', `/operations/${opId}/retry`);
    // Assert
    expect(retry.status).toBe(202);
    expect(retry.body.operation).toMatchObject({ kind: 'provision', attempt: 2, retry_of: opId });
    const env = await settled(envId);
    expect(env.status).toBe('running');
    const network = await developer.call('GET', `/environments/${envId}/stacks/network`);
    expect(network.body.operation_id).toBe(opId);
    const security = await developer.call('GET', `/environments/${envId}/stacks/security`);
    expect(security.body.operation_id).toBe((retry.body.operation as Json).id);
  });

  it('updates with If-Match: 412 when stale, then only the affected stacks are re-provisioned', async () => {
    const { envId } = await create({ name: 'update-me', template: 'minimal' });
    const running = await settled(envId);
    const stale = await developer.call('PATCH', `/environments/${envId}`, {
      body: { parameters: { storage_gb: 40 } },
      headers: { 'if-match': '1' },
    });
    expect(stale.status).toBe(412);
    const update = await developer.call('PATCH', `/environments/${envId}`, {
      body: { parameters: { storage_gb: 40 } },
      headers: { 'if-match': String(running.version) },
    });
    expect(update.status).toBe(202);
    expect(update.body).toMatchObject({
      status: 'updating',
      operation: { kind: 'update', targets: ['database-rds'] },
    });
    // One operation at a time.
    const conflict = await developer.call('POST', `/environments/${envId}/stop`);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error_code: 'OPERATION_IN_PROGRESS' });
    const env = await settled(envId);
    expect(env).toMatchObject({ status: 'running', parameters: { storage_gb: 40 } });
    const rds = await developer.call('GET', `/environments/${envId}/stacks/database-rds`);
    const instance = (rds.body.resources as { type: string; properties: Json }[]).find(
      (r) => r.type === 'AWS::RDS::DBInstance',
    );
    expect(instance?.properties.AllocatedStorage).toBe(40);
  });

  it('stops and starts the compute stacks; illegal transitions answer 409 with the status', async () => {
    const { envId } = await create({ name: 'stop-me', template: 'minimal' });
    await settled(envId);
    const stop = await developer.call('POST', `/environments/${envId}/stop`);
    expect(stop.status).toBe(202);
    expect((await settled(envId)).status).toBe('stopped');
    const lambda = await developer.call('GET', `/environments/${envId}/stacks/compute-lambda`);
    expect(lambda.body).toMatchObject({ status: 'stopped', estimated_monthly_cost_usd: 0 });
    const twice = await developer.call('POST', `/environments/${envId}/stop`);
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error_code: 'ILLEGAL_STATE', status: 'stopped' });
    expect((await developer.call('POST', `/environments/${envId}/start`)).status).toBe(202);
    expect((await settled(envId)).status).toBe('running');
    expect((await readOnly.call('POST', `/environments/${envId}/stop`)).status).toBe(403);
  });
});

describe('logs', () => {
  it('lists structured log events oldest first, filtered by stack, level, operation and time', async () => {
    const { envId, opId } = await create({
      name: 'logs-me',
      template: 'minimal',
      on_failure: 'keep',
      parameters: { simulate: { fail_stacks: ['storage'] } },
    });
    await settled(envId);
    const all = await developer.call('GET', `/environments/${envId}/logs?limit=100`);
    const items = all.body.items as {
      timestamp: string;
      level: string;
      stack: string | null;
      message: string;
    }[];
    expect(items[0]?.message).toBe(`Operation ${opId} (provision) started`);
    expect(items.map((i) => i.timestamp)).toEqual([...items.map((i) => i.timestamp)].sort());
    expect(items.some((i) => /^Created AWS::EC2::VPC vpc-[0-9a-f]{17}$/.test(i.message))).toBe(true);
    const errors = await developer.call('GET', `/environments/${envId}/logs?level=ERROR`);
    // The failed stack, then the operation that failed with it: nothing else is an error.
    expect(errors.body.items).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        stack: 'storage',
        operation_id: opId,
        message: expect.stringMatching(/^Stack storage failed: Simulated failure creating AWS::/),
      }),
      expect.objectContaining({
        level: 'ERROR',
        stack: null,
        operation_id: opId,
        message: expect.stringMatching(new RegExp(`^Operation ${opId} \\(provision\\) failed`)),
      }),
    ]);
    expect(errors.body.items).toEqual(items.filter((i) => i.level === 'ERROR'));
    const network = await developer.call(
      'GET',
      `/environments/${envId}/logs?stack=network&operation_id=${opId}`,
    );
    expect(all.body.next_cursor).toBeNull();
    const networkItems = items.filter((i) => i.stack === 'network');
    expect(networkItems.map((i) => i.message)).toContain('Stack network provisioned (13 resources)');
    expect(network.body.items).toEqual(networkItems);
    const future = await developer.call('GET', `/environments/${envId}/logs?since=2099-01-01T00:00:00Z`);
    expect(future.body.items).toEqual([]);
    const page = await developer.call('GET', `/environments/${envId}/logs?limit=3`);
    expect(page.body.items).toHaveLength(3);
    const next = await developer.call(
      'GET',
      `/environments/${envId}/logs?limit=3&cursor=${String(page.body.next_cursor)}`,
    );
    expect((next.body.items as Json[])[0]).toEqual(items[3]);
    expect((await developer.call('GET', `/environments/${envId}/logs?level=LOUD`)).status).toBe(400);
  });
});

describe('quotas and validation', () => {
  it('never exceeds 5 VPCs per account and region, even under concurrent creates', async () => {
    const replies = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        developer.call('POST', `/projects/${local.projectId}/environments`, {
          body: { name: `quota-${i}`, template: 'minimal', account_id: '222222222222', region: 'eu-west-2' },
        }),
      ),
    );
    // Exactly the quota's five, whatever the order the seven arrived in; the other two refused.
    expect(replies.map((r) => r.status).sort()).toEqual([202, 202, 202, 202, 202, 409, 409]);
    const refused = replies.filter((r) => r.status === 409);
    expect(refused.map((r) => r.body.error_code)).toEqual(['QUOTA_EXCEEDED', 'QUOTA_EXCEEDED']);
    const check = await developer.call('POST', '/validate/aws', {
      body: { account_id: '222222222222', region: 'eu-west-2' },
    });
    expect(check.status).toBe(200);
    const vpcs = (check.body.checks as { name: string; status: string; usage?: number }[]).find(
      (c) => c.name === 'quota:vpcs',
    );
    expect(vpcs).toMatchObject({ status: 'fail', usage: 5 });
  });

  it('validates inputs with clear errors', async () => {
    const bad = await developer.call('POST', `/projects/${local.projectId}/environments`, {
      body: { name: 'bad', parameters: { simulate: { failure_rate: 2, fail_stacks: ['Not A Stack'] } } },
    });
    expect(bad.status).toBe(422);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'body.parameters.simulate.fail_stacks.0',
      'body.parameters.simulate.failure_rate',
    ]);
    const { envId } = await create({ name: 'validate-me', template: 'minimal' });
    expect((await developer.call('PATCH', `/environments/${envId}`, { body: {} })).status).toBe(422);
    expect((await developer.call('POST', '/operations/not-an-id/cancel')).status).toBe(400);
    expect((await developer.call('GET', '/operations/op_01jd8x3k5m7n9p1q3r5s7t9v1w')).status).toBe(404);
    const cycle = await developer.call('POST', '/validate/dependencies', {
      body: { stacks: { a: ['b'], b: ['c'], c: ['a'] } },
    });
    expect(cycle.body).toMatchObject({ valid: false });
    expect(cycle.body.cycle).toEqual(['a', 'b', 'c', 'a']);
    const render = await developer.call('POST', '/templates/default/render', {
      body: { parameters: { storage_gb: 30 } },
    });
    expect(render.status).toBe(200);
    expect(render.body.stacks).toHaveLength(16);
    expect(render.body.layers).toHaveLength(5);
  });
});
