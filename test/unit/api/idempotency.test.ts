/**
 * Which routes honour `Idempotency-Key` (the route table's `idempotent` flag) and how the
 * OpenAPI document says so. The behaviour itself is tested on DynamoDB Local
 * (test/local/idempotency.test.ts) and over HTTP (test/e2e/idempotency.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { openApiDocument, openApiPath } from '../../../functions/api/http/openapi.ts';
import { routeList } from '../../../functions/api/routes.ts';

interface Operation {
  parameters?: { name: string; in: string; required: boolean; schema: unknown }[];
  responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
}

const doc = openApiDocument() as { paths: Record<string, Record<string, Operation>> };
const operationOf = (route: (typeof routeList)[number]): Operation => {
  const op = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
  if (!op) throw new Error(`${route.operationId} is not documented`);
  return op;
};
const idempotentRoutes = routeList.filter((r) => r.idempotent);

describe('idempotent routes', () => {
  it('are every POST that changes something, and the DELETEs that start an operation', () => {
    expect(idempotentRoutes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'DELETE /environments/{env_id}',
      'DELETE /environments/{env_id}/stacks/{stack}',
      'POST /environments/{env_id}/deployments',
      'POST /environments/{env_id}/refresh',
      'POST /environments/{env_id}/stacks/{stack}/deploy',
      'POST /environments/{env_id}/stacks/{stack}/refresh',
      'POST /environments/{env_id}/start',
      'POST /environments/{env_id}/stop',
      'POST /operations/{op_id}/approve',
      'POST /operations/{op_id}/cancel',
      'POST /operations/{op_id}/reject',
      'POST /operations/{op_id}/retry',
      'POST /projects',
      'POST /projects/{project_id}/environments',
      'POST /projects/{project_id}/previews/secret',
      'POST /projects/{project_id}/service-accounts',
      'POST /projects/{project_id}/service-accounts/{sa_id}/rotate',
      'POST /projects/{project_id}/webhooks',
      'POST /projects/{project_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver',
      'POST /projects/{project_id}/webhooks/{webhook_id}/rotate',
      'POST /projects/{project_id}/webhooks/{webhook_id}/test',
    ]);
    const writePosts = routeList.filter((r) => r.method === 'POST' && r.access === 'write');
    expect(writePosts.filter((r) => !r.idempotent)).toEqual([]);
  });

  it('all have write access (the audited-route stack is where the flag is honoured)', () => {
    expect(idempotentRoutes.filter((r) => r.access !== 'write')).toEqual([]);
  });
});

describe('the OpenAPI document of an idempotent route', () => {
  it.each(idempotentRoutes.map((r) => [r.operationId, r]))(
    '%s documents the optional Idempotency-Key header, the replay header and 400/409/422',
    (_, route) => {
      const op = operationOf(route);
      expect(op.parameters?.filter((p) => p.in === 'header')).toEqual([
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: expect.stringContaining('within 24 h answers the first successful answer again'),
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
      ]);
      expect(op.responses[String(route.success.status)]?.headers?.['Idempotent-Replayed']).toEqual({
        description: expect.stringContaining('the stored answer to an earlier request'),
        schema: { type: 'string', enum: ['true'] },
      });
      expect(op.responses['400']?.description).toContain('INVALID_IDEMPOTENCY_KEY');
      expect(op.responses['409']?.description).toContain('IDEMPOTENCY_KEY_IN_USE');
      expect(op.responses['422']?.description).toContain('IDEMPOTENCY_KEY_REUSED');
    },
  );

  it('and no other route mentions the header', () => {
    for (const route of routeList.filter((r) => !r.idempotent)) {
      const op = operationOf(route);
      expect(op.parameters?.some((p) => p.name === 'Idempotency-Key') ?? false).toBe(false);
      expect(Object.keys(op.responses[String(route.success.status)]?.headers ?? {})).not.toContain(
        'Idempotent-Replayed',
      );
    }
  });
});
