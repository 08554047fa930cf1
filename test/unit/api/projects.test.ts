import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as createProject } from '../../../functions/api/handlers/create-project.ts';
import { handler as deleteProject } from '../../../functions/api/handlers/delete-project.ts';
import { handler as getProject } from '../../../functions/api/handlers/get-project.ts';
import { handler as listProjects } from '../../../functions/api/handlers/list-projects.ts';
import { handler as updateProject } from '../../../functions/api/handlers/update-project.ts';
import { ADMIN, DEVELOPER, invoke, OTHER_DEVELOPER, READONLY } from '../helpers/events.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const PROJECT_ID = 'prj_01jd8x3k5m7n9p1q3r5s7t9v1w';

function projectItem(overrides: Record<string, unknown> = {}) {
  return {
    PK: `PRJ#${PROJECT_ID}`,
    SK: 'PRJ',
    entity: 'project',
    id: PROJECT_ID,
    name: 'payments',
    description: null,
    owner_id: DEVELOPER.sub,
    live_environments: 0,
    version: 1,
    created_at: '2026-11-22T10:00:00.000Z',
    updated_at: '2026-11-22T10:00:00.000Z',
    ...overrides,
  };
}

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

beforeEach(() => ddb.reset());

describe('POST /projects', () => {
  it('creates a project owned by the caller with a name lock in one transaction', async () => {
    // Arrange
    ddb.on(TransactWriteCommand).resolves({});
    // Act
    const res = await invoke(createProject, {
      method: 'POST',
      body: { name: 'payments', description: 'pay' },
    });
    // Assert
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'payments',
      owner_id: DEVELOPER.sub,
      version: 1,
      live_environments: 0,
    });
    expect(String(res.body.id)).toMatch(/^prj_[0-9a-z]{26}$/);
    expect(res.headers.etag).toBe('"1"');
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(2);
    expect(items[1]?.Put?.Item).toMatchObject({ PK: `OWNER#${DEVELOPER.sub}`, SK: 'PRJNAME#payments' });
  });

  it('answers 409 DUPLICATE_NAME when the name lock exists', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    const res = await invoke(createProject, { method: 'POST', body: { name: 'payments' } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error_code: 'DUPLICATE_NAME', request_id: 'req-unit-1' });
  });

  it('rejects unknown fields with 422 naming the field', async () => {
    const res = await invoke(createProject, {
      method: 'POST',
      body: { name: 'payments', owner_id: 'someone-else' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error_code).toBe('VALIDATION_ERROR');
    expect(res.body.errors).toContainEqual({ field: 'body.owner_id', message: 'unknown field' });
    // Nothing but the audit entry of the refused request.
    expect(ddb.calls().map((c) => c.args[0].constructor.name)).toEqual(['PutCommand']);
  });

  it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
    const res = await invoke(createProject, { method: 'POST', rawBody: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('MALFORMED_JSON');
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await invoke(createProject, {
      method: 'POST',
      body: { name: 'x', description: 'y'.repeat(5000) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error_code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 403 to ReadOnly users and writes nothing but the audit entry', async () => {
    const res = await invoke(createProject, { method: 'POST', body: { name: 'payments' }, claims: READONLY });
    expect(res.status).toBe(403);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      actor_id: READONLY.sub,
      role: 'ReadOnly',
      action: 'createProject',
      status: 403,
      outcome: 'failure',
      request_id: 'req-unit-1',
    });
  });

  it('records who created what in the audit log', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const res = await invoke(createProject, { method: 'POST', body: { name: 'payments' } });
    const entry = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(entry).toMatchObject({
      PK: expect.stringMatching(/^AUDIT#aud_/),
      GSI3PK: 'ALL#AUDIT',
      actor_id: DEVELOPER.sub,
      action: 'createProject',
      method: 'POST',
      resource_id: res.body.id,
      status: 201,
      outcome: 'success',
    });
  });

  it('answers 401 without claims (no authorizer)', async () => {
    const res = await invoke(createProject, { method: 'POST', body: { name: 'payments' }, claims: null });
    expect(res.status).toBe(401);
  });

  it('never leaks internals on an unexpected failure', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('ResourceNotFoundException: table unit-table missing'));
    const res = await invoke(createProject, { method: 'POST', body: { name: 'payments' } });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      detail: 'Internal server error',
      error_code: 'INTERNAL_ERROR',
      request_id: 'req-unit-1',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
  });
});

describe('GET /projects/{project_id}', () => {
  it('answers 404 for another developer’s project', async () => {
    ddb.on(GetCommand).resolves({ Item: projectItem() });
    const res = await invoke(getProject, {
      pathParameters: { project_id: PROJECT_ID },
      claims: OTHER_DEVELOPER,
    });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe(`Project not found: ${PROJECT_ID}`);
  });

  it.each([ADMIN, READONLY])('lets %s read anyone’s project', async (claims) => {
    ddb.on(GetCommand).resolves({ Item: projectItem() });
    const res = await invoke(getProject, { pathParameters: { project_id: PROJECT_ID }, claims });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('PK');
  });

  it('answers 400 for a malformed id without reading the table', async () => {
    const res = await invoke(getProject, { pathParameters: { project_id: 'not-an-id' } });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER');
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('GET /projects', () => {
  it('lists the caller’s own projects from the owner index', async () => {
    ddb.on(QueryCommand).resolves({ Items: [projectItem()] });
    const res = await invoke(listProjects, { query: { limit: '5' } });
    expect(res.status).toBe(200);
    expect(res.body.next_cursor).toBeNull();
    const input = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ IndexName: 'GSI2', Limit: 5, ScanIndexForward: false });
    expect(input?.ExpressionAttributeValues?.[':pk']).toBe(`OWNER#${DEVELOPER.sub}`);
  });

  it('rejects a forged cursor with 400 INVALID_CURSOR', async () => {
    const forged = Buffer.from(
      JSON.stringify({ PK: 'x', SK: 'y', GSI2PK: 'OWNER#victim', GSI2SK: 'z' }),
    ).toString('base64url');
    const res = await invoke(listProjects, { query: { cursor: forged } });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_CURSOR');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('rejects limit out of range and unknown query parameters', async () => {
    expect((await invoke(listProjects, { query: { limit: '0' } })).status).toBe(400);
    expect((await invoke(listProjects, { query: { limit: '101' } })).status).toBe(400);
    const res = await invoke(listProjects, { query: { owner: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field: 'query.owner', message: 'unknown field' });
  });
});

describe('PATCH /projects/{project_id}', () => {
  it('answers 412 when If-Match is not the current version', async () => {
    ddb.on(GetCommand).resolves({ Item: projectItem({ version: 3 }) });
    const res = await invoke(updateProject, {
      method: 'PATCH',
      pathParameters: { project_id: PROJECT_ID },
      body: { description: 'new' },
      headers: { 'If-Match': '"2"' },
    });
    expect(res.status).toBe(412);
  });

  it('renames by moving the name lock in the same transaction', async () => {
    ddb.on(GetCommand).resolves({ Item: projectItem() });
    ddb.on(TransactWriteCommand).resolves({});
    const res = await invoke(updateProject, {
      method: 'PATCH',
      pathParameters: { project_id: PROJECT_ID },
      body: { name: 'billing' },
      headers: { 'If-Match': '1' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'billing', version: 2 });
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[1]?.Delete?.Key).toEqual({ PK: `OWNER#${DEVELOPER.sub}`, SK: 'PRJNAME#payments' });
    expect(items[2]?.Put?.Item).toMatchObject({ SK: 'PRJNAME#billing' });
  });

  it('answers 409 CONCURRENT_MODIFICATION when another change lands between read and write', async () => {
    ddb.on(GetCommand).resolves({ Item: projectItem() });
    ddb
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const res = await invoke(updateProject, {
      method: 'PATCH',
      pathParameters: { project_id: PROJECT_ID },
      body: { description: 'new' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error_code).toBe('CONCURRENT_MODIFICATION');
  });

  it('answers 422 for an empty patch', async () => {
    const res = await invoke(updateProject, {
      method: 'PATCH',
      pathParameters: { project_id: PROJECT_ID },
      body: {},
    });
    expect(res.status).toBe(422);
  });
});

describe('DELETE /projects/{project_id}', () => {
  // No service accounts unless a test says otherwise (a project with some is not deleted, §44).
  beforeEach(() => {
    ddb.on(QueryCommand).resolves({ Items: [] });
  });

  it('answers 409 PROJECT_HAS_SERVICE_ACCOUNTS while it has service accounts, deleting nothing', async () => {
    ddb.on(GetCommand).resolves({ Item: projectItem() });
    ddb.on(QueryCommand).resolves({ Items: [{ PK: `PRJ#${PROJECT_ID}`, SK: 'SA#sa_1', id: 'sa_1' }] });
    const res = await invoke(deleteProject, { method: 'DELETE', pathParameters: { project_id: PROJECT_ID } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error_code: 'PROJECT_HAS_SERVICE_ACCOUNTS' });
    expect(ddb.commandCalls(TransactWriteCommand)).toEqual([]);
    const query = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query).toMatchObject({
      KeyConditionExpression: expect.stringContaining('begins_with'),
      ExpressionAttributeValues: { ':pk': `PRJ#${PROJECT_ID}`, ':prefix': 'SA#' },
    });
  });

  it('answers 409 PROJECT_HAS_WEBHOOKS while it has webhooks (and no service accounts), deleting nothing', async () => {
    ddb.on(GetCommand).resolves({ Item: projectItem() });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `PRJ#${PROJECT_ID}`, ':prefix': 'WH#' } })
      .resolves({ Items: [{ PK: `PRJ#${PROJECT_ID}`, SK: 'WH#wh_1', id: 'wh_1' }] });
    const res = await invoke(deleteProject, { method: 'DELETE', pathParameters: { project_id: PROJECT_ID } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error_code: 'PROJECT_HAS_WEBHOOKS' });
    expect(ddb.commandCalls(TransactWriteCommand)).toEqual([]);
  });

  it('answers 409 PROJECT_HAS_ENVIRONMENTS while live environments remain', async () => {
    ddb.on(GetCommand).resolves({ Item: projectItem({ live_environments: 2 }) });
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    const res = await invoke(deleteProject, { method: 'DELETE', pathParameters: { project_id: PROJECT_ID } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error_code: 'PROJECT_HAS_ENVIRONMENTS', live_environments: 2 });
  });

  it('deletes only its own name lock, at the version it read', async () => {
    ddb.on(GetCommand).resolves({ Item: projectItem({ version: 4 }) });
    ddb.on(TransactWriteCommand).resolves({});
    await invoke(deleteProject, { method: 'DELETE', pathParameters: { project_id: PROJECT_ID } });
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Delete?.ExpressionAttributeValues).toMatchObject({ ':version': 4 });
    expect(items[1]?.Delete?.ConditionExpression).toBe('attribute_not_exists(PK) OR project_id = :id');
  });

  it('deletes an empty project (204)', async () => {
    ddb.on(GetCommand).resolves({ Item: projectItem() });
    ddb.on(TransactWriteCommand).resolves({});
    const res = await invoke(deleteProject, { method: 'DELETE', pathParameters: { project_id: PROJECT_ID } });
    expect(res.status).toBe(204);
  });

  it('answers 404 (not 403) for another developer’s project', async () => {
    ddb.on(GetCommand).resolves({ Item: projectItem() });
    const res = await invoke(deleteProject, {
      method: 'DELETE',
      pathParameters: { project_id: PROJECT_ID },
      claims: OTHER_DEVELOPER,
    });
    expect(res.status).toBe(404);
  });
});
