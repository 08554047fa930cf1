import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as cancelOperation } from '../../../functions/api/handlers/cancel-operation.ts';
import { handler as getOperation } from '../../../functions/api/handlers/get-operation.ts';
import { handler as retryOperation } from '../../../functions/api/handlers/retry-operation.ts';
import { handler as stopEnvironment } from '../../../functions/api/handlers/stop-environment.ts';
import { handler as updateEnvironment } from '../../../functions/api/handlers/update-environment.ts';
import { DEVELOPER, invoke, OTHER_DEVELOPER, READONLY } from '../helpers/events.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const ENV_ID = 'env_01jd8x3k5m7n9p1q3r5s7t9v1w';
const OP_ID = 'op_01jd8x3k5m7n9p1q3r5s7t9v1w';
const LATEST = 'op_01jd8x3k5m7n9p1q3r5s7t9zzz';

function environment(overrides: Record<string, unknown> = {}) {
  return {
    PK: `ENV#${ENV_ID}`,
    SK: 'ENV',
    id: ENV_ID,
    project_id: 'prj_01jd8x3k5m7n9p1q3r5s7t9v1w',
    name: 'e',
    type: 'persistent',
    template: 'minimal',
    region: 'us-east-1',
    account_id: '111111111111',
    parameters: { storage_gb: 20, db_engine: 'postgres', instance_type: 't3.micro' },
    status: 'running',
    current_operation_id: OP_ID,
    on_failure: 'rollback',
    version: 3,
    owner_id: DEVELOPER.sub,
    ...overrides,
  };
}

function operation(overrides: Record<string, unknown> = {}) {
  return {
    PK: `OP#${OP_ID}`,
    SK: 'OP',
    id: OP_ID,
    environment_id: ENV_ID,
    kind: 'provision',
    status: 'running',
    attempt: 1,
    retry_of: null,
    targets: null,
    cancel_requested: false,
    outcome: null,
    stack_results: null,
    progress: { layer: 1, layers: 3, stacks_done: 0, stacks: 8 },
    started_at: '2026-11-22T10:00:00.000Z',
    finished_at: null,
    error: null,
    requested_by: DEVELOPER.sub,
    ...overrides,
  };
}

/** GetItem answers by key: the operation or the environment. */
function store(env: Record<string, unknown>, op: Record<string, unknown> = operation()) {
  ddb.on(GetCommand, { Key: { PK: `OP#${OP_ID}`, SK: 'OP' } }).resolves({ Item: op });
  ddb.on(GetCommand, { Key: { PK: `ENV#${ENV_ID}`, SK: 'ENV' } }).resolves({ Item: env });
  ddb.on(QueryCommand).resolves({ Items: [] });
}

beforeEach(() => {
  ddb.reset();
  sfn.reset();
});

describe('GET /operations/{op_id}', () => {
  it('answers 404 naming the operation when its environment is someone else’s', async () => {
    store(environment());
    const res = await invoke(getOperation, { pathParameters: { op_id: OP_ID }, claims: OTHER_DEVELOPER });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe(`Operation not found: ${OP_ID}`);
  });

  it('shows the environment’s live progress while the operation runs', async () => {
    store(environment({ status: 'provisioning', progress_layer: 2, progress_layers: 3, progress_stacks: 8 }));
    const res = await invoke(getOperation, { pathParameters: { op_id: OP_ID } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'running',
      progress: { layer: 2, layers: 3, stacks: 8 },
      stacks: [],
    });
  });
});

describe('POST /operations/{op_id}/cancel', () => {
  it('flags a running operation, conditionally', async () => {
    store(environment({ status: 'provisioning' }));
    ddb.on(UpdateCommand).resolves({});
    const res = await invoke(cancelOperation, { method: 'POST', pathParameters: { op_id: OP_ID } });
    expect(res.status).toBe(202);
    expect(res.body.cancel_requested).toBe(true);
    const update = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update).toMatchObject({
      ConditionExpression: '#status = :running',
      UpdateExpression: 'SET cancel_requested = :yes',
    });
  });

  it('answers 409 for a finished operation and 403 to ReadOnly', async () => {
    store(environment(), operation({ status: 'succeeded' }));
    const finished = await invoke(cancelOperation, { method: 'POST', pathParameters: { op_id: OP_ID } });
    expect(finished.status).toBe(409);
    expect(finished.body).toMatchObject({ error_code: 'ILLEGAL_STATE', status: 'succeeded' });
    const readOnly = await invoke(cancelOperation, {
      method: 'POST',
      pathParameters: { op_id: OP_ID },
      claims: READONLY,
    });
    expect(readOnly.status).toBe(403);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('POST /operations/{op_id}/retry', () => {
  it('refuses a running operation and one that is not the latest', async () => {
    store(environment({ status: 'provisioning' }));
    expect((await invoke(retryOperation, { method: 'POST', pathParameters: { op_id: OP_ID } })).status).toBe(
      409,
    );
    ddb.reset();
    store(environment({ status: 'failed', current_operation_id: LATEST }), operation({ status: 'failed' }));
    const stale = await invoke(retryOperation, { method: 'POST', pathParameters: { op_id: OP_ID } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ operation_id: LATEST });
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('PATCH /environments/{env_id}', () => {
  const patch = (body: unknown, headers: Record<string, string> = {}) =>
    invoke(updateEnvironment, { method: 'PATCH', pathParameters: { env_id: ENV_ID }, body, headers });

  it('answers 412 for a stale If-Match and 409 naming the running operation', async () => {
    store(environment());
    expect((await patch({ parameters: { storage_gb: 30 } }, { 'If-Match': '2' })).status).toBe(412);
    ddb.reset();
    store(environment({ status: 'provisioning' }));
    const busy = await patch({ parameters: { storage_gb: 30 } });
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ error_code: 'OPERATION_IN_PROGRESS', operation_id: OP_ID });
  });

  it('saves a change that affects no stack at once: 200 and no operation', async () => {
    store(environment());
    ddb.on(UpdateCommand).resolves({});
    const res = await patch(
      { parameters: { simulate: { failure_rate: 0.1 } }, on_failure: 'keep' },
      { 'If-Match': '"3"' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ operation: null, on_failure: 'keep', version: 4 });
    expect(sfn.calls()).toHaveLength(0);
    const update = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toBe('version = :version');
  });

  it('rejects unknown parameters and an empty change with 422', async () => {
    expect((await patch({ parameters: { cpu: 64 } })).status).toBe(422);
    expect((await patch({})).status).toBe(422);
  });
});

describe('POST /environments/{env_id}/stop', () => {
  it('answers 409 with the current status when the environment is not running', async () => {
    store(environment({ status: 'stopped' }));
    const res = await invoke(stopEnvironment, { method: 'POST', pathParameters: { env_id: ENV_ID } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error_code: 'ILLEGAL_STATE', status: 'stopped' });
  });
});

describe('PATCH /environments/{env_id} when the workflow cannot start', () => {
  it('puts the previous parameters back with the status, and says so', async () => {
    store(environment());
    ddb.on(TransactWriteCommand).resolves({});
    sfn.on(StartExecutionCommand).rejects(new Error('connect ECONNREFUSED'));
    const res = await invoke(updateEnvironment, {
      method: 'PATCH',
      pathParameters: { env_id: ENV_ID },
      body: { parameters: { storage_gb: 50 } },
    });
    expect(res.status).toBe(503);
    expect(String(res.body.detail)).toContain('it is unchanged');
    const compensation = ddb.commandCalls(TransactWriteCommand)[1]?.args[0].input.TransactItems ?? [];
    const restore = compensation[1]?.Update;
    expect(restore?.ExpressionAttributeValues).toMatchObject({
      ':status': 'running',
      ':parameters': { storage_gb: 20 },
    });
  });
});

describe('PATCH /environments/{env_id} with a new TTL', () => {
  const patch = (body: unknown) =>
    invoke(updateEnvironment, { method: 'PATCH', pathParameters: { env_id: ENV_ID }, body });

  it.each([
    [{ ttl_hours: 2, expires_at: '2099-01-01T00:00:00Z' }, 'body.expires_at'],
    [{ expires_at: '2000-01-01T00:00:00Z' }, 'body.expires_at'],
    [{ ttl_hours: 100000 }, 'body.ttl_hours'],
    [{ expires_at: 'tomorrow' }, 'body.expires_at'],
  ])('answers 422 for %j naming %s', async (body, field) => {
    store(environment({ type: 'ephemeral' }));
    const res = await patch(body);
    expect(res.status).toBe(422);
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
  });

  it('refuses a TTL on a persistent environment', async () => {
    store(environment({ type: 'persistent' }));
    const res = await patch({ ttl_hours: 2 });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { field: 'body.ttl_hours', message: 'persistent environments have no TTL' },
    ]);
  });

  it('moves the expiry and its index entry at once (200, no operation)', async () => {
    store(environment({ type: 'ephemeral' }));
    ddb.on(UpdateCommand).resolves({});
    const res = await patch({ ttl_hours: 6 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ttl_hours: 6, operation: null });
    const values = ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues ?? {};
    expect(values[':expiryPk']).toBe('EXPIRY');
    expect(String(values[':expirySk'])).toBe(`${String(res.body.expires_at)}#${ENV_ID}`);
  });
});
