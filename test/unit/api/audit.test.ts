import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as listAudit } from '../../../functions/api/handlers/list-audit.ts';
import { ADMIN, DEVELOPER, invoke, READONLY } from '../helpers/events.ts';

const ddb = mockClient(DynamoDBDocumentClient);

beforeEach(() => ddb.reset());

describe('GET /audit', () => {
  it.each([DEVELOPER, READONLY])('is for Administrators only (403 to %o)', async (claims) => {
    const res = await invoke(listAudit, { claims });
    expect(res.status).toBe(403);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('lists newest first with the filters on the query', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          PK: 'AUDIT#aud_1',
          SK: 'AUDIT',
          GSI3PK: 'ALL#AUDIT',
          GSI3SK: 'x',
          entity: 'audit',
          id: 'aud_1',
          timestamp: '2026-11-22T10:00:00.000Z',
          actor_id: DEVELOPER.sub,
          actor_email: DEVELOPER.email,
          role: 'Developers',
          action: 'deleteEnvironment',
          method: 'DELETE',
          path: '/environments/env_01jd8x3k5m7n9p1q3r5s7t9v1w',
          resource_id: 'env_01jd8x3k5m7n9p1q3r5s7t9v1w',
          status: 202,
          outcome: 'success',
          request_id: 'r1',
        },
      ],
    });
    const res = await invoke(listAudit, {
      claims: ADMIN,
      query: {
        actor: DEVELOPER.email,
        resource: 'env_01jd8x3k5m7n9p1q3r5s7t9v1w',
        since: '2026-11-22T00:00:00Z',
      },
    });
    expect(res.status).toBe(200);
    expect((res.body.items as Record<string, unknown>[])[0]).toEqual(
      expect.not.objectContaining({ PK: expect.anything() }),
    );
    const input = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ IndexName: 'GSI3', ScanIndexForward: false });
    expect(input?.KeyConditionExpression).toContain('#sk >= :from');
    expect(input?.FilterExpression).toBe(
      '(actor_id = :actor OR actor_email = :actor) AND resource_id = :resource',
    );
  });

  it('answers 400 for a resource that is not an id', async () => {
    const res = await invoke(listAudit, { claims: ADMIN, query: { resource: 'everything' } });
    expect(res.status).toBe(400);
  });
});
