/**
 * The provisioning engine over HTTP in local mode: operations, cancel, retry, update
 * with If-Match, stop/start, logs and their filters, the VPC quota under concurrent
 * creates, and the validation routes. Waits are slowed a little (every Wait state
 * sleeps 150 ms) so an operation can be caught in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocal } from '../../local/runtime.ts';
import { Client } from './support.ts';

let runtime: LocalRuntime;
let api: Client;
let token: string;
let readOnlyToken: string;
let projectId: string;

type Json = Record<string, unknown>;

beforeAll(async () => {
  runtime = await startLocal({ port: 0, persist: false, timeScale: 0, quiet: true, waitOverrideMs: 150 });
  api = new Client(runtime.baseUrl);
  const login = (group: string) => {
    const user = runtime.seedUsers.find((u) => u.group === group);
    if (!user) throw new Error(`no seeded ${group} user`);
    return api.login(user.email, user.password);
  };
  token = (await login('Developers')).id_token;
  readOnlyToken = (await login('ReadOnly')).id_token;
  const project = await api.call('POST', '/projects', { token, body: { name: 'engine' } });
  projectId = String(project.body.id);
});

afterAll(async () => {
  await runtime?.stop();
});

let accounts = 300000000000;
/** Each environment in its own account, so this file's environments never meet the VPC quota. */
async function create(body: Json): Promise<{ envId: string; opId: string; reply: Json }> {
  const reply = await api.call('POST', `/projects/${projectId}/environments`, {
    token,
    body: { account_id: String(accounts++), ...body },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  return { envId: String(reply.body.id), opId: String((reply.body.operation as Json).id), reply: reply.body };
}

async function until(path: string, done: (body: Json) => boolean, timeoutMs = 60_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await api.call('GET', path, { token });
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
    const cancel = await api.call('POST', `/operations/${opId}/cancel`, { token });
    // Assert
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ id: opId, status: 'running', cancel_requested: true });
    const env = await settled(envId);
    expect(env).toMatchObject({ status: 'failed' });
    expect(String(env.error)).toMatch(/^Cancelled by request; rolled back/);
    const op = await api.call('GET', `/operations/${opId}`, { token });
    expect(op.body).toMatchObject({ status: 'cancelled', outcome: 'rolled_back', kind: 'provision' });
    const stacks = op.body.stacks as { name: string; status: string }[];
    expect(stacks).toHaveLength(16);
    expect(stacks.find((s) => s.name === 'containers-apps')?.status).toBe('pending');
    expect(stacks.find((s) => s.name === 'network')?.status).toBe('destroyed');
    const again = await api.call('POST', `/operations/${opId}/cancel`, { token });
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
    const list = await api.call('GET', `/environments/${envId}/operations`, { token });
    expect((list.body.items as Json[])[0]).toMatchObject({ id: opId, status: 'failed', attempt: 1 });
    // Fix the cause: a settings-only change answers 200 with no operation.
    const fix = await api.call('PATCH', `/environments/${envId}`, {
      token,
      body: { parameters: { simulate: {} } },
      headers: { 'if-match': `"${String(failed.version)}"` },
    });
    expect(fix.status).toBe(200);
    expect(fix.body.operation).toBeNull();
    // Act
    const retry = await api.call('POST', `/operations/${opId}/retry`, { token });
    // Assert
    expect(retry.status).toBe(202);
    expect(retry.body.operation).toMatchObject({ kind: 'provision', attempt: 2, retry_of: opId });
    const env = await settled(envId);
    expect(env.status).toBe('running');
    const network = await api.call('GET', `/environments/${envId}/stacks/network`, { token });
    expect(network.body.operation_id).toBe(opId);
    const security = await api.call('GET', `/environments/${envId}/stacks/security`, { token });
    expect(security.body.operation_id).toBe((retry.body.operation as Json).id);
  });

  it('updates with If-Match: 412 when stale, then only the affected stacks are re-provisioned', async () => {
    const { envId } = await create({ name: 'update-me', template: 'minimal' });
    const running = await settled(envId);
    const stale = await api.call('PATCH', `/environments/${envId}`, {
      token,
      body: { parameters: { storage_gb: 40 } },
      headers: { 'if-match': '1' },
    });
    expect(stale.status).toBe(412);
    const update = await api.call('PATCH', `/environments/${envId}`, {
      token,
      body: { parameters: { storage_gb: 40 } },
      headers: { 'if-match': String(running.version) },
    });
    expect(update.status).toBe(202);
    expect(update.body).toMatchObject({
      status: 'updating',
      operation: { kind: 'update', targets: ['database-rds'] },
    });
    // One operation at a time.
    const conflict = await api.call('POST', `/environments/${envId}/stop`, { token });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error_code: 'OPERATION_IN_PROGRESS' });
    const env = await settled(envId);
    expect(env).toMatchObject({ status: 'running', parameters: { storage_gb: 40 } });
    const rds = await api.call('GET', `/environments/${envId}/stacks/database-rds`, { token });
    const instance = (rds.body.resources as { type: string; properties: Json }[]).find(
      (r) => r.type === 'AWS::RDS::DBInstance',
    );
    expect(instance?.properties.AllocatedStorage).toBe(40);
  });

  it('stops and starts the compute stacks; illegal transitions answer 409 with the status', async () => {
    const { envId } = await create({ name: 'stop-me', template: 'minimal' });
    await settled(envId);
    const stop = await api.call('POST', `/environments/${envId}/stop`, { token });
    expect(stop.status).toBe(202);
    expect((await settled(envId)).status).toBe('stopped');
    const lambda = await api.call('GET', `/environments/${envId}/stacks/compute-lambda`, { token });
    expect(lambda.body).toMatchObject({ status: 'stopped', estimated_monthly_cost_usd: 0 });
    const twice = await api.call('POST', `/environments/${envId}/stop`, { token });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error_code: 'ILLEGAL_STATE', status: 'stopped' });
    expect((await api.call('POST', `/environments/${envId}/start`, { token })).status).toBe(202);
    expect((await settled(envId)).status).toBe('running');
    expect((await api.call('POST', `/environments/${envId}/stop`, { token: readOnlyToken })).status).toBe(
      403,
    );
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
    const all = await api.call('GET', `/environments/${envId}/logs?limit=100`, { token });
    const items = all.body.items as {
      timestamp: string;
      level: string;
      stack: string | null;
      message: string;
    }[];
    expect(items[0]?.message).toMatch(/^Operation op_\w+ \(provision\) started/);
    expect(items.map((i) => i.timestamp)).toEqual([...items.map((i) => i.timestamp)].sort());
    expect(items.some((i) => /^Created AWS::EC2::VPC vpc-[0-9a-f]{17}$/.test(i.message))).toBe(true);
    const errors = await api.call('GET', `/environments/${envId}/logs?level=ERROR`, { token });
    const errorItems = errors.body.items as { level: string; stack: string | null }[];
    expect(errorItems.length).toBeGreaterThan(0);
    expect(errorItems.every((i) => i.level === 'ERROR')).toBe(true);
    expect(errorItems.some((i) => i.stack === 'storage')).toBe(true);
    const network = await api.call('GET', `/environments/${envId}/logs?stack=network&operation_id=${opId}`, {
      token,
    });
    expect((network.body.items as { stack: string }[]).every((i) => i.stack === 'network')).toBe(true);
    const future = await api.call('GET', `/environments/${envId}/logs?since=2099-01-01T00:00:00Z`, { token });
    expect(future.body.items).toEqual([]);
    const page = await api.call('GET', `/environments/${envId}/logs?limit=3`, { token });
    expect(page.body.items).toHaveLength(3);
    const next = await api.call(
      'GET',
      `/environments/${envId}/logs?limit=3&cursor=${String(page.body.next_cursor)}`,
      {
        token,
      },
    );
    expect((next.body.items as Json[])[0]).toEqual(items[3]);
    expect((await api.call('GET', `/environments/${envId}/logs?level=LOUD`, { token })).status).toBe(400);
  });
});

describe('quotas and validation', () => {
  it('never exceeds 5 VPCs per account and region, even under concurrent creates', async () => {
    const replies = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        api.call('POST', `/projects/${projectId}/environments`, {
          token,
          body: { name: `quota-${i}`, template: 'minimal', account_id: '222222222222', region: 'eu-west-2' },
        }),
      ),
    );
    const accepted = replies.filter((r) => r.status === 202);
    const refused = replies.filter((r) => r.status === 409);
    expect(accepted.length).toBeLessThanOrEqual(5);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.every((r) => r.body.error_code === 'QUOTA_EXCEEDED')).toBe(true);
    const check = await api.call('POST', '/validate/aws', {
      token,
      body: { account_id: '222222222222', region: 'eu-west-2' },
    });
    expect(check.status).toBe(200);
    const vpcs = (check.body.checks as { name: string; status: string; usage?: number }[]).find(
      (c) => c.name === 'quota:vpcs',
    );
    expect(vpcs).toMatchObject({ status: 'fail', usage: 5 });
  });

  it('validates inputs with clear errors', async () => {
    const bad = await api.call('POST', `/projects/${projectId}/environments`, {
      token,
      body: { name: 'bad', parameters: { simulate: { failure_rate: 2, fail_stacks: ['Not A Stack'] } } },
    });
    expect(bad.status).toBe(422);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'body.parameters.simulate.fail_stacks.0',
      'body.parameters.simulate.failure_rate',
    ]);
    const { envId } = await create({ name: 'validate-me', template: 'minimal' });
    expect((await api.call('PATCH', `/environments/${envId}`, { token, body: {} })).status).toBe(422);
    expect((await api.call('POST', '/operations/not-an-id/cancel', { token })).status).toBe(400);
    expect((await api.call('GET', '/operations/op_01jd8x3k5m7n9p1q3r5s7t9v1w', { token })).status).toBe(404);
    const cycle = await api.call('POST', '/validate/dependencies', {
      token,
      body: { stacks: { a: ['b'], b: ['c'], c: ['a'] } },
    });
    expect(cycle.body).toMatchObject({ valid: false });
    expect(cycle.body.cycle).toHaveLength(4);
    const render = await api.call('POST', '/templates/default/render', {
      token,
      body: { parameters: { storage_gb: 30 } },
    });
    expect(render.status).toBe(200);
    expect(render.body.stacks).toHaveLength(16);
    expect(render.body.layers).toHaveLength(5);
  });
});
