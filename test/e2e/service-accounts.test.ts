/**
 * Service accounts over HTTP in local mode with real Cognito tokens (docs/decisions.md §44):
 * created once (the secret only in the 201), signed in through their own app client, confined
 * to their project and role, rotated, deleted; expiry refused.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, useLocalMode } from './support.ts';

const local = useLocalMode({
  sweepIntervalMs: 0,
  users: ['Developers', 'Administrators', 'ReadOnly'],
  project: 'pipelines',
  environment: { name: 'shared', type: 'persistent', template: 'minimal' },
});
const developer = local.as('Developers');
const admin = local.as('Administrators');
const readOnly = local.as('ReadOnly');

interface Created {
  id: string;
  username: string;
  secret: string;
  body: Record<string, unknown>;
}

/** Every item of the local table (a test may scan; the API never does). */
async function scanTable(): Promise<Record<string, unknown>[]> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: local.runtime.env.DYNAMODB_ENDPOINT,
      region: local.runtime.env.AWS_REGION,
      credentials: {
        accessKeyId: String(local.runtime.env.AWS_ACCESS_KEY_ID),
        secretAccessKey: String(local.runtime.env.AWS_SECRET_ACCESS_KEY),
      },
    }),
  );
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: local.runtime.env.TABLE_NAME, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(String(token.split('.')[1]), 'base64url').toString('utf8'));

async function createAccount(projectId: string, body: Record<string, unknown>): Promise<Created> {
  const reply = await developer.call('POST', `/projects/${projectId}/service-accounts`, { body });
  if (reply.status !== 201)
    throw new Error(`service account not created: ${reply.status} ${JSON.stringify(reply.body)}`);
  return {
    id: String(reply.body.id),
    username: String(reply.body.username),
    secret: String(reply.body.secret),
    body: reply.body,
  };
}

/** A client calling with the service account's ID token (logged in once). */
async function signedIn(account: Created): Promise<{ client: Client; idToken: string }> {
  const tokens = await local.api.login(account.username, account.secret);
  return { client: local.withToken(() => tokens.id_token), idToken: tokens.id_token };
}

let otherProjectId: string;
let otherEnvironmentId: string;
let otherOperationId: string;
let deployer: Created;
let deployerClient: Client;
let deployerToken: string;

beforeAll(async () => {
  // Another project of the same developer, with an environment the service account must not see.
  const other = await developer.call('POST', '/projects', { body: { name: 'elsewhere' } });
  otherProjectId = String(other.body.id);
  const env = await developer.call('POST', `/projects/${otherProjectId}/environments`, {
    body: { name: 'hidden', type: 'persistent', template: 'minimal' },
  });
  otherEnvironmentId = String(env.body.id);
  otherOperationId = String((env.body.operation as { id: string }).id);
  await developer.waitForStatus(otherEnvironmentId, 'running');
  deployer = await createAccount(local.projectId, { name: 'github-actions', role: 'deployer' });
  ({ client: deployerClient, idToken: deployerToken } = await signedIn(deployer));
}, 120_000);

describe('creating a service account', () => {
  it('answers 201 with its secret once; reading and listing never show it', async () => {
    // Arrange
    const path = `/projects/${local.projectId}/service-accounts`;
    // Act
    const read = await developer.call('GET', `${path}/${deployer.id}`);
    const list = await developer.call('GET', path);
    // Assert
    expect(deployer.body).toMatchObject({
      id: expect.stringMatching(/^sa_[0-9a-z]{26}$/),
      name: 'github-actions',
      role: 'deployer',
      project_id: local.projectId,
      username: `${deployer.id.replace('sa_', 'sa-')}@service-accounts.invalid`,
      rotated_at: null,
    });
    const expiresInDays = (Date.parse(String(deployer.body.expires_at)) - Date.now()) / 86_400_000;
    expect(expiresInDays).toBeGreaterThan(89.9);
    expect(expiresInDays).toBeLessThanOrEqual(90);
    expect(deployer.secret.length).toBeGreaterThanOrEqual(32);
    expect(deployer.secret).toMatch(/[A-Z]/);
    expect(deployer.secret).toMatch(/[a-z]/);
    expect(deployer.secret).toMatch(/[0-9]/);
    expect(deployer.secret).toMatch(/[-_.~+=]/);
    expect(read.status).toBe(200);
    const { secret: _secret, ...withoutSecret } = deployer.body;
    expect(read.body).toEqual(withoutSecret);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([withoutSecret]);
    expect(JSON.stringify(list.body)).not.toContain(deployer.secret);
  });

  it('gives a token of the ServiceAccounts group, its project and role, valid for 15 minutes', async () => {
    // Act
    const claims = claimsOf(deployerToken);
    const me = await deployerClient.call('GET', '/me');
    // Assert
    expect(claims['cognito:groups']).toEqual(['ServiceAccounts']);
    expect(claims['custom:project_id']).toBe(local.projectId);
    expect(claims['custom:sa_role']).toBe('deployer');
    expect(claims.email).toBe(deployer.username);
    expect(claims.aud).toBe(local.runtime.serviceAccountClientId);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
    expect(me.body).toMatchObject({
      email: deployer.username,
      groups: ['ServiceAccounts'],
      role: 'Developers',
      service_account: { id: deployer.id, project_id: local.projectId, role: 'deployer' },
    });
  });

  it('is refused to ReadOnly (403), hidden on a project the caller cannot see (404), and validated (422)', async () => {
    // Arrange
    const adminsProject = await admin.call('POST', '/projects', { body: { name: 'admins-own' } });
    const body = { name: 'ci', role: 'viewer' };
    // Act
    const byReadOnly = await readOnly.call('POST', `/projects/${local.projectId}/service-accounts`, { body });
    const onHidden = await developer.call('POST', `/projects/${adminsProject.body.id}/service-accounts`, {
      body,
    });
    const tooLong = await developer.call('POST', `/projects/${local.projectId}/service-accounts`, {
      body: { ...body, expires_in_days: 366 },
    });
    const byAdmin = await admin.call('POST', `/projects/${local.projectId}/service-accounts`, { body });
    // Assert
    expect(byReadOnly.status).toBe(403);
    expect(onHidden.status).toBe(404);
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ field: 'body.expires_in_days' })]);
    expect(byAdmin.status).toBe(201);
    await admin.call('DELETE', `/projects/${local.projectId}/service-accounts/${byAdmin.body.id}`);
  });
});

describe('creating with an Idempotency-Key', () => {
  it('creates one account; a replay answers 409 SECRET_NOT_REPLAYED, and no secret rests in the table', async () => {
    // Arrange
    const path = `/projects/${local.projectId}/service-accounts`;
    const headers = { 'Idempotency-Key': `sa-${Date.now()}` };
    const body = { name: 'retried', role: 'viewer' };
    // Act
    const first = await developer.call('POST', path, { body, headers });
    const replay = await developer.call('POST', path, { body, headers });
    const list = await developer.call('GET', `${path}?limit=100`);
    const items = await scanTable();
    // Assert
    expect(first.status).toBe(201);
    expect(replay.status).toBe(409);
    expect(replay.body.error_code).toBe('SECRET_NOT_REPLAYED');
    expect(replay.body.detail).toContain(String(first.body.id));
    expect((list.body.items as { name: string }[]).filter((a) => a.name === 'retried')).toHaveLength(1);
    expect(JSON.stringify(items)).toContain(String(first.body.id));
    expect(JSON.stringify(items)).not.toContain(String(first.body.secret));
    expect(JSON.stringify(items)).not.toContain(deployer.secret);
  });
});

describe('a deployer service account', () => {
  it('sees only its project and that project’s environments (404 elsewhere)', async () => {
    // Act
    const projects = await deployerClient.call('GET', '/projects');
    const otherProject = await deployerClient.call('GET', `/projects/${otherProjectId}`);
    const environments = await deployerClient.call('GET', '/environments');
    const own = await deployerClient.call('GET', `/environments/${local.environmentId}`);
    const stacks = await deployerClient.call('GET', `/environments/${local.environmentId}/stacks`);
    const hidden = await deployerClient.call('GET', `/environments/${otherEnvironmentId}`);
    const hiddenStacks = await deployerClient.call('GET', `/environments/${otherEnvironmentId}/stacks`);
    const hiddenOperation = await deployerClient.call('GET', `/operations/${otherOperationId}`);
    const hiddenByFilter = await deployerClient.call('GET', `/environments?project_id=${otherProjectId}`);
    const events = await deployerClient.call('GET', '/events?limit=100');
    // Assert
    expect((projects.body.items as { id: string }[]).map((p) => p.id)).toEqual([local.projectId]);
    expect(otherProject.status).toBe(404);
    expect((environments.body.items as { id: string }[]).map((e) => e.id)).toContain(local.environmentId);
    expect(
      (environments.body.items as { project_id: string }[]).every((e) => e.project_id === local.projectId),
    ).toBe(true);
    expect(own.status).toBe(200);
    expect(stacks.status).toBe(200);
    expect(hidden.status).toBe(404);
    expect(hiddenStacks.status).toBe(404);
    expect(hiddenOperation.status).toBe(404);
    expect(hiddenByFilter.status).toBe(404);
    const eventProjects = new Set((events.body.items as { project_id: string }[]).map((e) => e.project_id));
    expect([...eventProjects]).toEqual([local.projectId]);
  });

  it('creates and destroys an environment in its project, named as the requester; elsewhere 404', async () => {
    // Act
    const created = await deployerClient.call('POST', `/projects/${local.projectId}/environments`, {
      body: { name: 'pr-42', type: 'ephemeral', ttl_hours: 2, template: 'minimal' },
    });
    const elsewhere = await deployerClient.call('POST', `/projects/${otherProjectId}/environments`, {
      body: { name: 'pr-43', type: 'ephemeral', template: 'minimal' },
    });
    const envId = String(created.body.id);
    await deployerClient.waitForStatus(envId, 'running');
    const destroyed = await deployerClient.call('DELETE', `/environments/${envId}`);
    await deployerClient.waitForStatus(envId, 'destroyed');
    const audit = await admin.call('GET', `/audit?actor=${encodeURIComponent(deployer.username)}&limit=100`);
    // Assert
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ created_by: deployer.username, project_id: local.projectId });
    expect(created.body.operation).toMatchObject({ requested_by: deployer.username });
    expect(elsewhere.status).toBe(404);
    expect(destroyed.status).toBe(202);
    expect(destroyed.body.operation).toMatchObject({ kind: 'destroy', requested_by: deployer.username });
    const entries = audit.body.items as { action: string; actor_email: string; status: number }[];
    expect(entries.map((e) => [e.action, e.status])).toEqual(
      expect.arrayContaining([
        ['createEnvironment', 202],
        ['createEnvironment', 404],
        ['deleteEnvironment', 202],
      ]),
    );
    expect(entries.every((e) => e.actor_email === deployer.username)).toBe(true);
  });

  it('stops, starts and deploys to an environment of its project that a person owns', async () => {
    // Act
    const stop = await deployerClient.call('POST', `/environments/${local.environmentId}/stop`);
    await deployerClient.waitForStatus(local.environmentId, 'stopped');
    const start = await deployerClient.call('POST', `/environments/${local.environmentId}/start`);
    await deployerClient.waitForStatus(local.environmentId, 'running');
    const deploy = await deployerClient.call('POST', `/environments/${local.environmentId}/deployments`, {
      body: { version: 'v1.2.3' },
    });
    const hiddenLogs = await deployerClient.call('GET', `/environments/${otherEnvironmentId}/logs`);
    const hiddenStop = await deployerClient.call('POST', `/environments/${otherEnvironmentId}/stop`);
    // Assert
    expect(stop.status).toBe(202);
    expect(start.status).toBe(202);
    expect(start.body.operation).toMatchObject({ kind: 'start', requested_by: deployer.username });
    expect(deploy.status).toBe(202);
    expect(deploy.body).toMatchObject({ version: 'v1.2.3', requested_by: deployer.username });
    expect(hiddenLogs.status).toBe(404);
    expect(hiddenStop.status).toBe(404);
  });

  it('may not create, change or delete projects, nor manage service accounts, nor read the audit log (403)', async () => {
    // Act
    const createProject = await deployerClient.call('POST', '/projects', { body: { name: 'sneaky' } });
    const renameProject = await deployerClient.call('PATCH', `/projects/${local.projectId}`, {
      body: { description: 'changed by a pipeline' },
    });
    const deleteProject = await deployerClient.call('DELETE', `/projects/${local.projectId}`);
    const createAccount = await deployerClient.call('POST', `/projects/${local.projectId}/service-accounts`, {
      body: { name: 'escalate', role: 'deployer' },
    });
    const listAccounts = await deployerClient.call('GET', `/projects/${local.projectId}/service-accounts`);
    const rotateItself = await deployerClient.call(
      'POST',
      `/projects/${local.projectId}/service-accounts/${deployer.id}/rotate`,
    );
    const audit = await deployerClient.call('GET', '/audit');
    // Assert
    expect(createProject.status).toBe(403);
    expect(renameProject.status).toBe(403);
    expect(deleteProject.status).toBe(403);
    expect(createAccount.status).toBe(403);
    expect(listAccounts.status).toBe(403);
    expect(rotateItself.status).toBe(403);
    expect(audit.status).toBe(403);
  });
});

describe('the identity', () => {
  it('cannot rewrite its own project, role or expiry through its app client', async () => {
    // Arrange
    const tokens = await local.api.login(deployer.username, deployer.secret);
    // Act
    const attempt = local.runtime.services.cognito.call('UpdateUserAttributes', {
      AccessToken: tokens.access_token,
      UserAttributes: [{ Name: 'custom:project_id', Value: otherProjectId }],
    });
    // Assert
    await expect(attempt).rejects.toMatchObject({ code: 'NotAuthorizedException' });
  });
});

describe('a viewer service account', () => {
  it('reads its project’s environments and is refused every write (403)', async () => {
    // Arrange
    const viewer = await createAccount(local.projectId, {
      name: 'dashboards',
      role: 'viewer',
      expires_in_days: 1,
    });
    const { client } = await signedIn(viewer);
    // Act
    const read = await client.call('GET', `/environments/${local.environmentId}`);
    const create = await client.call('POST', `/projects/${local.projectId}/environments`, {
      body: { name: 'nope', type: 'persistent', template: 'minimal' },
    });
    const stop = await client.call('POST', `/environments/${local.environmentId}/stop`);
    const destroy = await client.call('DELETE', `/environments/${local.environmentId}`);
    const createProject = await client.call('POST', '/projects', { body: { name: 'nope' } });
    const hidden = await client.call('GET', `/environments/${otherEnvironmentId}`);
    // Assert
    expect(read.status).toBe(200);
    expect(create.status).toBe(403);
    expect(stop.status).toBe(403);
    expect(destroy.status).toBe(403);
    expect(createProject.status).toBe(403);
    expect(hidden.status).toBe(404);
  });
});

describe('rotating and deleting', () => {
  it('rotation gives a new secret: the old one and the old refresh token stop working', async () => {
    // Arrange
    const account = await createAccount(local.projectId, { name: 'rotated', role: 'viewer' });
    const before = await local.api.login(account.username, account.secret);
    // Act
    const rotated = await developer.call(
      'POST',
      `/projects/${local.projectId}/service-accounts/${account.id}/rotate`,
    );
    const oldLogin = await local.api.call('POST', '/auth/login', {
      body: { email: account.username, password: account.secret },
    });
    const newLogin = await local.api.call('POST', '/auth/login', {
      body: { email: account.username, password: String(rotated.body.secret) },
    });
    const oldRefresh = await local.api.call('POST', '/auth/refresh', {
      body: { refresh_token: before.refresh_token },
    });
    const newRefresh = await local.api.call('POST', '/auth/refresh', {
      body: { refresh_token: String(newLogin.body.refresh_token) },
    });
    // Assert
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ id: account.id, rotated_at: expect.any(String) });
    expect(rotated.body.secret).not.toBe(account.secret);
    expect(oldLogin.status).toBe(401);
    expect(newLogin.status).toBe(200);
    expect(oldRefresh.status).toBe(401);
    expect(newRefresh.status).toBe(200);
    // A refresh keeps the service accounts' client: still a 15-minute token.
    const refreshed = claimsOf(String(newRefresh.body.id_token));
    expect(refreshed.aud).toBe(local.runtime.serviceAccountClientId);
  });

  it('deletion answers 204; the account can no longer sign in and is gone', async () => {
    // Arrange
    const account = await createAccount(local.projectId, { name: 'deleted', role: 'deployer' });
    const path = `/projects/${local.projectId}/service-accounts/${account.id}`;
    // Act
    const deleted = await developer.call('DELETE', path);
    const login = await local.api.call('POST', '/auth/login', {
      body: { email: account.username, password: account.secret },
    });
    const read = await developer.call('GET', path);
    const again = await developer.call('DELETE', path);
    // Assert
    expect(deleted.status).toBe(204);
    expect(login.status).toBe(401);
    expect(read.status).toBe(404);
    expect(again.status).toBe(404);
  });

  it('keeps a project with service accounts from being deleted (409) until they are', async () => {
    // Arrange
    const project = await developer.call('POST', '/projects', { body: { name: 'short-lived' } });
    const projectId = String(project.body.id);
    const account = await createAccount(projectId, { name: 'ci', role: 'viewer' });
    // Act
    const refused = await developer.call('DELETE', `/projects/${projectId}`);
    await developer.call('DELETE', `/projects/${projectId}/service-accounts/${account.id}`);
    const deleted = await developer.call('DELETE', `/projects/${projectId}`);
    // Assert
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe('PROJECT_HAS_SERVICE_ACCOUNTS');
    expect(deleted.status).toBe(204);
  });

  it('an expired service account is refused (401) even with a valid token', async () => {
    // Arrange: the API allows 1 day at least, so the attribute is moved to the past in the pool.
    const account = await createAccount(local.projectId, {
      name: 'expiring',
      role: 'viewer',
      expires_in_days: 1,
    });
    await local.runtime.services.cognito.call('AdminUpdateUserAttributes', {
      UserPoolId: local.runtime.userPoolId,
      Username: account.username,
      UserAttributes: [{ Name: 'custom:sa_expires_at', Value: new Date(Date.now() - 60_000).toISOString() }],
    });
    const { client } = await signedIn(account);
    // Act
    const reply = await client.call('GET', '/projects');
    // Assert
    expect(reply.status).toBe(401);
    expect(reply.body.detail).toBe('The service account expired');
  });
});
