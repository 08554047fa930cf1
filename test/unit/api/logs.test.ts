import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as listLogs } from '../../../functions/api/handlers/list-logs.ts';
import { encodeCursor } from '../../../functions/data/pagination.ts';
import { ADMIN, DEVELOPER, invoke, OTHER_DEVELOPER, READONLY } from '../helpers/events.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ENV_ID = 'env_01jd8x3k5m7n9p1q3r5s7t9v1w';
const OTHER_ENV_ID = 'env_01jd8x3k5m7n9p1q3r5s7t9zzz';
const OP_ID = 'op_01jd8x3k5m7n9p1q3r5s7t9v1w';

const environment = {
  PK: `ENV#${ENV_ID}`,
  SK: 'ENV',
  id: ENV_ID,
  project_id: 'prj_01jd8x3k5m7n9p1q3r5s7t9v1w',
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
  base_url: null,
  current_operation_id: OP_ID,
  estimated_monthly_cost_usd: 50,
  on_failure: 'rollback',
  error: null,
  version: 3,
  owner_id: DEVELOPER.sub,
  created_by: DEVELOPER.sub,
  created_at: '2026-11-22T10:00:00.000Z',
  updated_at: '2026-11-22T10:00:00.000Z',
};

function logItem(timestamp: string, message: string, level = 'INFO', stack: string | null = 'network') {
  return {
    PK: `ENV#${ENV_ID}`,
    SK: `LOG#${timestamp}#01jd8x3k5m7n9p1q3r5s7t9v1w`,
    entity: 'log',
    ttl: 1_800_000_000,
    environment_id: ENV_ID,
    operation_id: OP_ID,
    stack,
    level,
    message,
    timestamp,
  };
}

const list = (query?: Record<string, string>, claims: Record<string, string> = DEVELOPER, envId = ENV_ID) =>
  invoke(listLogs, {
    resource: '/environments/{env_id}/logs',
    pathParameters: { env_id: envId },
    ...(query ? { query } : {}),
    claims,
  });

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: environment });
});

describe('GET /environments/{env_id}/logs', () => {
  it('answers the events oldest first, presented without storage attributes', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        logItem('2026-11-22T10:00:01.000Z', 'Provisioning stack network'),
        logItem('2026-11-22T10:00:02.000Z', 'Created AWS::EC2::VPC vpc-0a1b2c3d4e5f67890'),
      ],
    });
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          timestamp: '2026-11-22T10:00:01.000Z',
          level: 'INFO',
          operation_id: OP_ID,
          deployment_id: null,
          stack: 'network',
          message: 'Provisioning stack network',
        },
        {
          timestamp: '2026-11-22T10:00:02.000Z',
          level: 'INFO',
          operation_id: OP_ID,
          deployment_id: null,
          stack: 'network',
          message: 'Created AWS::EC2::VPC vpc-0a1b2c3d4e5f67890',
        },
      ],
      next_cursor: null,
    });
    const query = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query?.ScanIndexForward).toBe(true);
    expect(query?.ExpressionAttributeValues).toMatchObject({ ':pk': `ENV#${ENV_ID}`, ':prefix': 'LOG#' });
    expect(query?.Limit).toBe(20);
  });

  it('passes every filter to one Query: since on the sort key, the others as a filter', async () => {
    ddb.on(QueryCommand).resolves({ Items: [logItem('2026-11-22T10:00:03.000Z', 'boom', 'ERROR')] });
    const res = await list({
      stack: 'network',
      level: 'ERROR',
      operation_id: OP_ID,
      since: '2026-11-22T10:00:00Z',
      limit: '5',
    });
    expect(res.status).toBe(200);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    const query = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query?.KeyConditionExpression).toBe('#pk = :pk AND #sk BETWEEN :from AND :to');
    expect(query?.ExpressionAttributeValues).toMatchObject({
      ':from': 'LOG#2026-11-22T10:00:00.000Z',
      ':stack': 'network',
      ':level': 'ERROR',
      ':operation_id': OP_ID,
    });
    expect(query?.FilterExpression).toBe(
      '#stack = :stack AND #level = :level AND #operation_id = :operation_id',
    );
  });

  it('lets ReadOnly and administrators read anyone’s logs', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect((await list(undefined, READONLY)).status).toBe(200);
    expect((await list(undefined, ADMIN)).status).toBe(200);
  });

  it('answers 404 for another developer’s environment, without reading its logs', async () => {
    const res = await list(undefined, OTHER_DEVELOPER);
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('NOT_FOUND');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('answers 404 for an environment that does not exist', async () => {
    ddb.on(GetCommand).resolves({});
    const res = await list();
    expect(res.status).toBe(404);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each([
    [{ level: 'VERBOSE' }, 'query.level'],
    [{ level: 'info' }, 'query.level'],
    [{ since: 'yesterday' }, 'query.since'],
    [{ since: '2026-11-22' }, 'query.since'],
    [{ operation_id: 'nope' }, 'query.operation_id'],
    [{ limit: '0' }, 'query.limit'],
    [{ limit: '101' }, 'query.limit'],
    [{ grep: 'x' }, 'query.grep'],
  ])('answers 400 for %j naming %s', async (query, field) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each([
    ['another environment’s logs', { PK: `ENV#${OTHER_ENV_ID}`, SK: 'LOG#2026-11-22T10:00:01.000Z#a' }],
    ['a stack of this environment', { PK: `ENV#${ENV_ID}`, SK: 'STACK#network' }],
    ['the environment item itself', { PK: `ENV#${ENV_ID}`, SK: 'ENV' }],
  ])('answers 400 INVALID_CURSOR for a cursor forged from %s', async (_, key) => {
    const res = await list({ cursor: encodeCursor(key) });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_CURSOR');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('hands out a cursor that the next request accepts', async () => {
    const last = { PK: `ENV#${ENV_ID}`, SK: 'LOG#2026-11-22T10:00:01.000Z#01jd8x3k5m7n9p1q3r5s7t9v1w' };
    ddb
      .on(QueryCommand)
      .resolves({ Items: [logItem('2026-11-22T10:00:01.000Z', 'one')], LastEvaluatedKey: last });
    const first = await list({ limit: '1' });
    expect(first.body.next_cursor).toBe(encodeCursor(last));
    const second = await list({ limit: '1', cursor: String(first.body.next_cursor) });
    expect(second.status).toBe(200);
    expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual(last);
  });
});
