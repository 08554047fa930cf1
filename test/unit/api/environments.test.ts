import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as createEnvironment } from '../../../functions/api/handlers/create-environment.ts';
import { handler as deleteEnvironment } from '../../../functions/api/handlers/delete-environment.ts';
import { handler as getEnvironment } from '../../../functions/api/handlers/get-environment.ts';
import { handler as listEnvironments } from '../../../functions/api/handlers/list-environments.ts';
import { handler as listStacks } from '../../../functions/api/handlers/list-stacks.ts';
import { ADMIN, DEVELOPER, invoke, OTHER_DEVELOPER, READONLY } from '../helpers/events.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const PROJECT_ID = 'prj_01jd8x3k5m7n9p1q3r5s7t9v1w';
const ENV_ID = 'env_01jd8x3k5m7n9p1q3r5s7t9v1w';
const OP_ID = 'op_01jd8x3k5m7n9p1q3r5s7t9v1w';

const project = {
  PK: `PRJ#${PROJECT_ID}`,
  SK: 'PRJ',
  id: PROJECT_ID,
  name: 'payments',
  description: null,
  owner_id: DEVELOPER.sub,
  live_environments: 0,
  version: 1,
  created_at: '2026-11-22T10:00:00.000Z',
  updated_at: '2026-11-22T10:00:00.000Z',
};

function environmentItem(overrides: Record<string, unknown> = {}) {
  return {
    PK: `ENV#${ENV_ID}`,
    SK: 'ENV',
    id: ENV_ID,
    project_id: PROJECT_ID,
    name: 'preview-pr-1',
    type: 'ephemeral',
    ttl_hours: 24,
    expires_at: '2026-11-23T10:00:00.000Z',
    template: 'minimal',
    region: 'us-east-1',
    account_id: '111111111111',
    parameters: {},
    status: 'running',
    progress_layer: 4,
    progress_layers: 4,
    progress_stacks: 8,
    done_stacks: new Set(['network', 'security']),
    base_url: 'https://preview-pr-1-abcdef.envs.example.dev',
    current_operation_id: OP_ID,
    estimated_monthly_cost_usd: 50,
    error: null,
    version: 3,
    owner_id: DEVELOPER.sub,
    created_by: DEVELOPER.sub,
    created_at: '2026-11-22T10:00:00.000Z',
    updated_at: '2026-11-22T10:00:00.000Z',
    ...overrides,
  };
}

beforeEach(() => {
  ddb.reset();
  sfn.reset();
});

describe('POST /projects/{project_id}/environments', () => {
  const create = (body: unknown, claims: Record<string, string> = DEVELOPER) =>
    invoke(createEnvironment, { method: 'POST', pathParameters: { project_id: PROJECT_ID }, body, claims });

  it('records environment, stacks and operation in one transaction, then starts the workflow named after the operation', async () => {
    // Arrange
    ddb.on(GetCommand).resolves({ Item: project });
    ddb.on(TransactWriteCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x' });
    // Act
    const res = await create({ name: 'preview-pr-1', template: 'minimal' });
    // Assert
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'provisioning',
      template: 'minimal',
      type: 'ephemeral',
      ttl_hours: 24,
      progress: { layer: 0, stacks_done: 0, stacks: 8 },
      base_url: null,
      operation: { kind: 'provision', status: 'running' },
    });
    const operation = res.body.operation as { id: string };
    expect(res.body.current_operation_id).toBe(operation.id);
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    // environment, name lock, project counter, VPC quota counter, operation, 8 stacks, and the
    // two events the change reports (published from the table's stream, not by the handler)
    expect(items).toHaveLength(5 + 8 + 2);
    expect(
      items.slice(13).map((item) => [item.Put?.Item?.type, item.Put?.Item?.SK?.startsWith('EVT#')]),
    ).toEqual([
      ['environment.provisioning', true],
      ['operation.started', true],
    ]);
    expect(items[3]?.Update).toMatchObject({
      Key: { PK: 'QUOTA#111111111111#us-east-1', SK: 'VPC' },
      ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
      ExpressionAttributeValues: { ':one': 1, ':limit': 5 },
    });
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe(operation.id);
    expect(start?.stateMachineArn).toBe(process.env.PROVISION_STATE_MACHINE_ARN);
    expect(JSON.parse(start?.input ?? '{}')).toEqual({
      environment_id: res.body.id,
      operation_id: operation.id,
    });
  });

  it('answers 409 QUOTA_EXCEEDED when the account and region have no VPC left', async () => {
    ddb.on(GetCommand).resolves({ Item: project });
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [
          { Code: 'None' },
          { Code: 'None' },
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed' },
        ],
      }),
    );
    const res = await create({ name: 'one-too-many', template: 'minimal' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error_code: 'QUOTA_EXCEEDED', quota: 'vpcs', limit: 5 });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('settles the records and answers 503 when the workflow cannot start', async () => {
    ddb.on(GetCommand).resolves({ Item: project });
    ddb.on(TransactWriteCommand).resolves({});
    sfn.on(StartExecutionCommand).rejects(new Error('connect ECONNREFUSED'));
    const res = await create({ name: 'preview-pr-1', template: 'minimal' });
    expect(res.status).toBe(503);
    expect(String(res.body.detail)).not.toContain('ECONNREFUSED');
    expect(res.body.environment_id).toEqual(expect.stringMatching(/^env_/));
    expect(String(res.body.detail)).toContain('is now failed');
    const compensation = ddb.commandCalls(TransactWriteCommand)[1]?.args[0].input.TransactItems ?? [];
    expect(compensation[0]?.Update?.ExpressionAttributeValues?.[':status']).toBe('failed');
    expect(compensation[1]?.Update?.ExpressionAttributeValues?.[':status']).toBe('failed');
  });

  it.each([
    [{ name: 'x', type: 'persistent', ttl_hours: 5 }, 'body.ttl_hours'],
    [{ name: 'x', ttl_hours: 100000 }, 'body.ttl_hours'],
    [{ name: 'Not A DNS Name' }, 'body.name'],
    [{ name: 'x', template: 'nope' }, 'body.template'],
    [{ name: 'x', region: 'mars-1' }, 'body.region'],
    [{ name: 'x', account_id: '123' }, 'body.account_id'],
    [{ name: 'x', parameters: { instance_type: 'm5.24xlarge' } }, 'body.parameters.instance_type'],
    [{ name: 'x', parameters: { storage_gb: 0 } }, 'body.parameters.storage_gb'],
  ])('answers 422 for %j naming %s', async (body, field) => {
    ddb.on(GetCommand).resolves({ Item: project });
    const res = await create(body);
    expect(res.status).toBe(422);
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers 404 in someone else’s project and 403 to ReadOnly', async () => {
    ddb.on(GetCommand).resolves({ Item: project });
    expect((await create({ name: 'x' }, OTHER_DEVELOPER)).status).toBe(404);
    expect((await create({ name: 'x' }, READONLY)).status).toBe(403);
  });

  it('lets an administrator create in anyone’s project, owned by the project owner', async () => {
    ddb.on(GetCommand).resolves({ Item: project });
    ddb.on(TransactWriteCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x' });
    const res = await create({ name: 'x', type: 'persistent' }, ADMIN);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      owner_id: DEVELOPER.sub,
      created_by: ADMIN.sub,
      ttl_hours: null,
      expires_at: null,
    });
  });
});

describe('GET /environments/{env_id}', () => {
  it('shows progress computed from the done set', async () => {
    ddb.on(GetCommand).resolves({ Item: environmentItem() });
    const res = await invoke(getEnvironment, { pathParameters: { env_id: ENV_ID } });
    expect(res.status).toBe(200);
    expect(res.body.progress).toEqual({ layer: 4, layers: 4, stacks_done: 2, stacks: 8 });
    expect(res.headers.etag).toBe('"3"');
    expect(res.body).not.toHaveProperty('done_stacks');
  });

  it('answers 404 for another developer', async () => {
    ddb.on(GetCommand).resolves({ Item: environmentItem() });
    const res = await invoke(getEnvironment, { pathParameters: { env_id: ENV_ID }, claims: OTHER_DEVELOPER });
    expect(res.status).toBe(404);
  });
});

describe('GET /environments', () => {
  it('filters by status and type with one query of the owner’s status index, no filter', async () => {
    ddb.on(QueryCommand).resolves({ Items: [environmentItem()] });
    const res = await invoke(listEnvironments, { query: { status: 'running', type: 'ephemeral' } });
    expect(res.status).toBe(200);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    const input = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input?.IndexName).toBe('GSI9');
    expect(input?.ExpressionAttributeValues?.[':pk']).toBe(
      `OWNER#${DEVELOPER.sub}#STATUS#running#TYPE#ephemeral`,
    );
    expect(input?.FilterExpression).toBeUndefined();
  });

  it('lists everyone’s for ReadOnly from the all-environments index', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await invoke(listEnvironments, { claims: READONLY });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.IndexName).toBe('GSI3');
  });

  it('answers 404 when filtering by a project the caller cannot see', async () => {
    ddb.on(GetCommand).resolves({ Item: project });
    const res = await invoke(listEnvironments, {
      query: { project_id: PROJECT_ID },
      claims: OTHER_DEVELOPER,
    });
    expect(res.status).toBe(404);
  });

  it('answers 400 for an unknown status', async () => {
    const res = await invoke(listEnvironments, { query: { status: 'exploded' } });
    expect(res.status).toBe(400);
  });

  it('returns a cursor that leads to the next page', async () => {
    const key = { PK: `ENV#${ENV_ID}`, SK: 'ENV', GSI2PK: `OWNER#${DEVELOPER.sub}`, GSI2SK: 'ENV#2026#x' };
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [environmentItem()], LastEvaluatedKey: key })
      .resolves({ Items: [] });
    const first = await invoke(listEnvironments, { query: { limit: '1' } });
    // Opaque, but URL-safe as it is: base64url without padding.
    expect(first.body.next_cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await invoke(listEnvironments, {
      query: { limit: '1', cursor: String(first.body.next_cursor) },
    });
    expect(second.status).toBe(200);
    expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual(key);
  });
});

describe('DELETE /environments/{env_id}', () => {
  it('names the operation that won a race for the environment (409 OPERATION_IN_PROGRESS)', async () => {
    // Arrange: our read sees it running; by the time we write, another request started a destroy.
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: environmentItem() })
      .resolves({
        Item: environmentItem({
          status: 'destroying',
          current_operation_id: 'op_01jd8x3k5m7n9p1q3r5s7t9zzz',
        }),
      });
    ddb.on(QueryCommand).resolves({ Items: [{ name: 'network', layer: 1, status: 'provisioned' }] });
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    // Act
    const res = await invoke(deleteEnvironment, { method: 'DELETE', pathParameters: { env_id: ENV_ID } });
    // Assert
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      error_code: 'OPERATION_IN_PROGRESS',
      operation_id: 'op_01jd8x3k5m7n9p1q3r5s7t9zzz',
    });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers 503 (retry) when its transaction collides with a concurrent one', async () => {
    ddb.on(GetCommand).resolves({ Item: environmentItem() });
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
      }),
    );
    const res = await invoke(deleteEnvironment, { method: 'DELETE', pathParameters: { env_id: ENV_ID } });
    expect(res.status).toBe(503);
    expect(res.body.error_code).toBe('SERVICE_UNAVAILABLE');
  });

  it('starts a destroy operation on the destroy state machine (202)', async () => {
    ddb.on(GetCommand).resolves({ Item: environmentItem() });
    ddb.on(QueryCommand).resolves({
      Items: [
        { name: 'network', layer: 1, status: 'provisioned' },
        { name: 'security', layer: 2, status: 'provisioned' },
      ],
    });
    ddb.on(TransactWriteCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x' });
    const res = await invoke(deleteEnvironment, { method: 'DELETE', pathParameters: { env_id: ENV_ID } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'destroying', version: 4, operation: { kind: 'destroy' } });
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(
      process.env.DESTROY_STATE_MACHINE_ARN,
    );
    const update = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Update;
    // Conditional on what the caller saw, and never under a deployment that is rolling out.
    expect(update?.ConditionExpression).toBe(
      '#status = :expected AND version = :version AND (attribute_not_exists(active_deployment_id) OR active_deployment_id = :null)',
    );
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':expected': 'running', ':version': 3 });
  });

  it('answers 409 OPERATION_IN_PROGRESS naming the running operation', async () => {
    ddb.on(GetCommand).resolves({ Item: environmentItem({ status: 'provisioning' }) });
    const res = await invoke(deleteEnvironment, { method: 'DELETE', pathParameters: { env_id: ENV_ID } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error_code: 'OPERATION_IN_PROGRESS', operation_id: OP_ID });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers 409 for an environment already destroyed', async () => {
    ddb.on(GetCommand).resolves({ Item: environmentItem({ status: 'destroyed' }) });
    const res = await invoke(deleteEnvironment, { method: 'DELETE', pathParameters: { env_id: ENV_ID } });
    expect(res.status).toBe(409);
  });
});

describe('GET /environments/{env_id}/stacks', () => {
  it('lists stacks in layer order without storage attributes', async () => {
    ddb.on(GetCommand).resolves({ Item: environmentItem() });
    ddb.on(QueryCommand).resolves({
      Items: [
        { PK: 'ENV#x', SK: 'STACK#security', name: 'security', layer: 2, environment_id: ENV_ID },
        { PK: 'ENV#x', SK: 'STACK#network', name: 'network', layer: 1, environment_id: ENV_ID },
      ],
    });
    const res = await invoke(listStacks, { pathParameters: { env_id: ENV_ID } });
    expect((res.body.items as { name: string }[]).map((s) => s.name)).toEqual(['network', 'security']);
    expect(res.body.items).toEqual([
      expect.not.objectContaining({ PK: expect.anything() }),
      expect.anything(),
    ]);
  });
});
