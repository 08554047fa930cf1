/**
 * Pull-request preview environments over HTTP in local mode (docs/decisions.md §46): the
 * settings and the Git host secret (who may), the public hook authenticated by
 * `X-Hub-Signature-256` over the raw body (signed here with node:crypto, as GitHub does), and a
 * PR's preview following its life: opened → `pr-7` running with the head SHA deployed →
 * synchronize → the new SHA → closed → destroyed. Durations are local mode's (time scale 0).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Reply, useLocalMode } from './support.ts';

const local = useLocalMode({
  sweepIntervalMs: 0,
  users: ['Developers', 'Administrators', 'ReadOnly'],
  project: 'previews',
});
const developer = local.as('Developers');
const admin = local.as('Administrators');
const readOnly = local.as('ReadOnly');

const REPOSITORY = 'acme/shop';
const SHA1 = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);
let secret: string;

const settingsPath = () => `/projects/${local.projectId}/previews/settings`;
const hookPath = (projectId = local.projectId) => `/hooks/github/${projectId}`;

function pullRequest(action: string, number: number, sha: string, repository = REPOSITORY) {
  return {
    action,
    number,
    pull_request: {
      number,
      html_url: `https://github.com/${repository}/pull/${number}`,
      head: { ref: `feature-${number}`, sha },
      state: action === 'closed' ? 'closed' : 'open',
    },
    repository: { full_name: repository, private: false },
    sender: { login: 'octocat' },
  };
}

const sign = (key: string, body: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

/** Sends a payload to the hook as GitHub does (signed with `key`, unless a signature is given). */
function deliver(
  payload: unknown,
  options: {
    event?: string;
    delivery?: string | null;
    key?: string;
    signature?: string | null;
    projectId?: string;
  } = {},
): Promise<Reply> {
  const raw = JSON.stringify(payload);
  const headers: Record<string, string> = { 'X-GitHub-Event': options.event ?? 'pull_request' };
  const delivery = options.delivery === undefined ? randomUUID() : options.delivery;
  if (delivery !== null) headers['X-GitHub-Delivery'] = delivery;
  const signature = options.signature === undefined ? sign(options.key ?? secret, raw) : options.signature;
  if (signature !== null) headers['X-Hub-Signature-256'] = signature;
  return local.api.call('POST', hookPath(options.projectId), { raw, headers });
}

async function previewsOf(client: Client = developer): Promise<Record<string, unknown>[]> {
  const reply = await client.call('GET', `/projects/${local.projectId}/previews?limit=100`);
  if (reply.status !== 200) throw new Error(`previews not listed: ${reply.status}`);
  return reply.body.items as Record<string, unknown>[];
}

async function environmentsNamed(name: string): Promise<Record<string, unknown>[]> {
  const reply = await developer.call('GET', `/environments?project_id=${local.projectId}&limit=100`);
  return (reply.body.items as Record<string, unknown>[]).filter((e) => e.name === name);
}

/** Polls an environment until `ready` holds (or fails after 60 s). */
async function waitFor(envId: string, ready: (e: Record<string, unknown>) => boolean, what: string) {
  const deadline = Date.now() + 60_000;
  let last: Record<string, unknown> = {};
  for (;;) {
    const reply = await developer.call('GET', `/environments/${envId}`);
    last = reply.body;
    if (ready(last)) return last;
    if (Date.now() > deadline) throw new Error(`never ${what}: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const SETTINGS = { template: 'minimal', repository: REPOSITORY, ttl_hours: 24, parameters: {} };

beforeAll(async () => {
  const put = await developer.call('PUT', settingsPath(), { body: SETTINGS });
  if (put.status !== 200) throw new Error(`settings not saved: ${put.status} ${JSON.stringify(put.body)}`);
  const rotated = await developer.call('POST', `/projects/${local.projectId}/previews/secret`);
  if (rotated.status !== 200) throw new Error(`no secret: ${rotated.status}`);
  secret = String(rotated.body.secret);
});

describe('preview settings', () => {
  it('answers the settings with the hook URL as reached and secret_set, never the secret', async () => {
    // Act
    const read = await developer.call('GET', settingsPath());
    // Assert
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      project_id: local.projectId,
      enabled: true,
      template: 'minimal',
      repository: REPOSITORY,
      ttl_hours: 24,
      secret_set: true,
      hook_url: `${local.runtime.baseUrl}/hooks/github/${local.projectId}`,
    });
    expect(read.body).not.toHaveProperty('secret');
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(read.body)).not.toContain(secret);
  });

  it('refuses an unknown template, a TTL out of 1..720 and a repository not owner/name (422)', async () => {
    // Act
    const reply = await developer.call('PUT', settingsPath(), {
      body: { template: 'nope', repository: 'not a repo', ttl_hours: 721 },
    });
    const template = await developer.call('PUT', settingsPath(), {
      body: { ...SETTINGS, template: 'nope' },
    });
    const parameters = await developer.call('PUT', settingsPath(), {
      body: { ...SETTINGS, parameters: { instance_type: 'm5.24xlarge' } },
    });
    // Assert
    expect(reply.status).toBe(422);
    const fields = (reply.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.repository', 'body.ttl_hours']));
    expect(template.status).toBe(422);
    expect(template.body.errors).toEqual([expect.objectContaining({ field: 'body.template' })]);
    expect(parameters.status).toBe(422);
  });

  it('is the owner’s and Administrators’ business: ReadOnly 403, another user’s project 404', async () => {
    // Arrange
    const other = await admin.call('POST', '/projects', { body: { name: `admins-${Date.now()}` } });
    const otherSettings = `/projects/${other.body.id}/previews/settings`;
    // Act
    const readOnlyGet = await readOnly.call('GET', settingsPath());
    const readOnlyPut = await readOnly.call('PUT', settingsPath(), { body: SETTINGS });
    const readOnlySecret = await readOnly.call('POST', `/projects/${local.projectId}/previews/secret`);
    const strangerGet = await developer.call('GET', otherSettings);
    const strangerPut = await developer.call('PUT', otherSettings, { body: SETTINGS });
    const adminGet = await admin.call('GET', settingsPath());
    const unset = await admin.call('GET', otherSettings);
    // Assert
    expect(readOnlyGet.status).toBe(403);
    expect(readOnlyPut.status).toBe(403);
    expect(readOnlySecret.status).toBe(403);
    expect(strangerGet.status).toBe(404);
    expect(strangerPut.status).toBe(404);
    expect(adminGet.status).toBe(200);
    expect(unset.status).toBe(404);
  });

  it('refuses a service account of the project (403)', async () => {
    // Arrange
    const created = await developer.call('POST', `/projects/${local.projectId}/service-accounts`, {
      body: { name: 'ci', role: 'deployer' },
    });
    expect(created.status).toBe(201);
    const tokens = await local.api.login(String(created.body.username), String(created.body.secret));
    const pipeline = local.withToken(() => tokens.id_token);
    // Act
    const read = await pipeline.call('GET', settingsPath());
    const put = await pipeline.call('PUT', settingsPath(), { body: SETTINGS });
    const list = await pipeline.call('GET', `/projects/${local.projectId}/previews`);
    // Assert
    expect(read.status).toBe(403);
    expect(put.status).toBe(403);
    expect(list.status).toBe(200);
  });
});

describe('deleting a project', () => {
  it('removes its preview settings and secret with it: its hook answers 401 afterwards', async () => {
    // Arrange
    const project = await developer.call('POST', '/projects', { body: { name: `gone-${Date.now()}` } });
    const projectId = String(project.body.id);
    await developer.call('PUT', `/projects/${projectId}/previews/settings`, { body: SETTINGS });
    const rotated = await developer.call('POST', `/projects/${projectId}/previews/secret`);
    const key = String(rotated.body.secret);
    const before = await deliver({ zen: 'hi' }, { event: 'ping', key, projectId });
    // Act
    const deleted = await developer.call('DELETE', `/projects/${projectId}`);
    const after = await deliver({ zen: 'hi' }, { event: 'ping', key, projectId });
    // Assert
    expect(before.status).toBe(200);
    expect(deleted.status).toBe(204);
    expect(after.status).toBe(401);
  });
});

describe('the GitHub hook refuses', () => {
  it('a bad, wrong-length or missing signature, an unknown project (401, the same answer) and creates nothing', async () => {
    // Arrange
    const payload = pullRequest('opened', 90, SHA1);
    // Act
    const wrongKey = await deliver(payload, { key: 'not-the-secret' });
    const short = await deliver(payload, { signature: 'sha256=abcd' });
    const missing = await deliver(payload, { signature: null });
    const unknown = await deliver(payload, { projectId: 'prj_01jd8x3k5m7n9p1q3r5s7t9v1w' });
    const nonsense = await deliver(payload, { projectId: 'whatever' });
    // Assert
    for (const reply of [wrongKey, short, missing, unknown, nonsense]) {
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ error_code: 'UNAUTHORIZED', detail: expect.any(String) });
    }
    expect(wrongKey.body.detail).toBe(unknown.body.detail);
    expect(await environmentsNamed('pr-90')).toEqual([]);
    expect((await previewsOf()).map((p) => p.number)).not.toContain(90);
  });

  it('a delivery without X-GitHub-Delivery (400), another repository (422)', async () => {
    // Act
    const noDelivery = await deliver(pullRequest('opened', 91, SHA1), { delivery: null });
    const otherRepo = await deliver(pullRequest('opened', 91, SHA1, 'evil/fork'));
    // Assert
    expect(noDelivery.status).toBe(400);
    expect(otherRepo.status).toBe(422);
    expect(await environmentsNamed('pr-91')).toEqual([]);
  });

  it('answers a ping 200, ignores other events and actions (202) and does nothing', async () => {
    // Act
    const ping = await deliver({ zen: 'Keep it logically awesome.', hook_id: 1 }, { event: 'ping' });
    const push = await deliver({ ref: 'refs/heads/main' }, { event: 'push' });
    const labeled = await deliver(pullRequest('labeled', 92, SHA1));
    // Assert
    expect(ping.status).toBe(200);
    expect(ping.body.action).toBe('pong');
    expect(push.status).toBe(202);
    expect(push.body.action).toBe('ignored');
    expect(labeled.status).toBe(202);
    expect(labeled.body).toMatchObject({ action: 'ignored', reason: expect.stringContaining('labeled') });
    expect(await environmentsNamed('pr-92')).toEqual([]);
  });
});

describe('a pull request’s preview', () => {
  it('opened → pr-7 running with the head SHA; synchronize → the new SHA; closed → destroyed', async () => {
    // Act: opened
    const delivery = randomUUID();
    const opened = await deliver(pullRequest('opened', 7, SHA1), { delivery });
    const duplicate = await deliver(pullRequest('opened', 7, SHA1), { delivery });
    // Assert
    expect(opened.status).toBe(202);
    expect(opened.body).toMatchObject({ delivery_id: delivery, action: 'created', pull_request: 7 });
    expect(duplicate.status).toBe(opened.status);
    expect(duplicate.body).toEqual(opened.body);
    expect(await environmentsNamed('pr-7')).toHaveLength(1);
    const envId = String(opened.body.environment_id);
    const running = await waitFor(
      envId,
      (e) => e.status === 'running' && e.current_version === SHA1,
      `running ${SHA1}`,
    );
    expect(running).toMatchObject({
      name: 'pr-7',
      type: 'ephemeral',
      ttl_hours: 24,
      template: 'minimal',
      created_by: 'github:octocat',
      preview: {
        number: 7,
        branch: 'feature-7',
        url: `https://github.com/${REPOSITORY}/pull/7`,
        sha: SHA1,
        repository: REPOSITORY,
      },
    });
    const listed = (await previewsOf()).find((p) => p.number === 7);
    expect(listed).toMatchObject({
      environment_id: envId,
      name: 'pr-7',
      status: 'running',
      version: SHA1,
      wanted_sha: SHA1,
      branch: 'feature-7',
      url: `https://github.com/${REPOSITORY}/pull/7`,
      closed: false,
      expires_at: running.expires_at,
    });

    // Act: synchronize
    const pushed = await deliver(pullRequest('synchronize', 7, SHA2));
    // Assert
    expect(pushed.status).toBe(202);
    expect(['deploying', 'recorded']).toContain(pushed.body.action);
    await waitFor(envId, (e) => e.status === 'running' && e.current_version === SHA2, `running ${SHA2}`);
    const deployments = await developer.call('GET', `/environments/${envId}/deployments?limit=100`);
    expect(
      (deployments.body.items as { version: string; requested_by: string }[]).map((d) => d.version).sort(),
    ).toEqual([SHA1, SHA2]);
    expect((deployments.body.items as { requested_by: string }[])[0]?.requested_by).toBe('github:octocat');

    // Act: closed
    const closed = await deliver({ ...pullRequest('closed', 7, SHA2), merged: true });
    // Assert
    expect(closed.status).toBe(202);
    expect(['destroying', 'recorded']).toContain(closed.body.action);
    await waitFor(envId, (e) => e.status === 'destroyed', 'destroyed');
    const after = (await previewsOf()).find((p) => p.number === 7);
    expect(after).toMatchObject({ status: 'destroyed', closed: true });
  });

  it('a synchronize while the preview provisions is recorded and deployed once it runs', async () => {
    // Act
    const opened = await deliver(pullRequest('opened', 8, SHA1));
    const pushed = await deliver(pullRequest('synchronize', 8, SHA2));
    // Assert
    expect(opened.body.action).toBe('created');
    expect(pushed.status).toBe(202);
    expect(['recorded', 'deploying']).toContain(pushed.body.action);
    const envId = String(opened.body.environment_id);
    await waitFor(envId, (e) => e.status === 'running' && e.current_version === SHA2, `running ${SHA2}`);
    expect(await environmentsNamed('pr-8')).toHaveLength(1);
  });

  it('a close while the preview provisions is recorded and destroys it once it settles', async () => {
    // Act
    const opened = await deliver(pullRequest('opened', 9, SHA1));
    const closed = await deliver(pullRequest('closed', 9, SHA1));
    // Assert
    expect(opened.body.action).toBe('created');
    expect(closed.status).toBe(202);
    expect(closed.body).toMatchObject({ action: 'recorded', environment_id: opened.body.environment_id });
    await waitFor(String(opened.body.environment_id), (e) => e.status === 'destroyed', 'destroyed');
  });

  it('a PR reopened after its preview was destroyed gets a fresh pr-<n>, while one still destroying is 409', async () => {
    // Arrange
    const opened = await deliver(pullRequest('opened', 10, SHA1));
    const first = String(opened.body.environment_id);
    await waitFor(first, (e) => e.status === 'running' && e.current_version === SHA1, 'running');
    const closed = await deliver(pullRequest('closed', 10, SHA1));
    expect(closed.body.action).toBe('destroying');
    // Act
    const tooSoon = await deliver(pullRequest('reopened', 10, SHA2));
    await waitFor(first, (e) => e.status === 'destroyed', 'destroyed');
    const reopened = await deliver(pullRequest('reopened', 10, SHA2));
    // Assert
    expect([409, 202]).toContain(tooSoon.status);
    if (tooSoon.status === 409) expect(tooSoon.body.error_code).toBe('PREVIEW_BEING_DESTROYED');
    expect(reopened.status).toBe(202);
    expect(reopened.body.action).toBe('created');
    expect(reopened.body.environment_id).not.toBe(first);
    await waitFor(String(reopened.body.environment_id), (e) => e.current_version === SHA2, `running ${SHA2}`);
    const listed = (await previewsOf()).find((p) => p.number === 10);
    expect(listed).toMatchObject({
      environment_id: reopened.body.environment_id,
      status: 'running',
      closed: false,
    });
  });

  it('takes a payload past the API’s 64 KiB (a long PR description) on the hook alone', async () => {
    // Arrange
    const payload = pullRequest('closed', 93, SHA1);
    const big = { ...payload, pull_request: { ...payload.pull_request, body: 'x'.repeat(200 * 1024) } };
    // Act
    const reply = await deliver(big);
    const elsewhere = await developer.call('PUT', settingsPath(), {
      body: { ...SETTINGS, parameters: { domain: 'x'.repeat(200 * 1024) } },
    });
    // Assert
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ action: 'ignored', reason: 'pull request 93 has no live preview' });
    expect(elsewhere.status).toBe(413);
  });

  it('audits what the hook did in the Git host’s name', async () => {
    // Act
    const audit = await admin.call('GET', '/audit?limit=100');
    // Assert
    expect(audit.status).toBe(200);
    const entries = audit.body.items as { action: string; actor_email: string | null; status: number }[];
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'receiveGithubHook', actor_email: 'github:octocat', status: 202 }),
      ]),
    );
    expect(JSON.stringify(audit.body)).not.toContain(secret);
  });
});
