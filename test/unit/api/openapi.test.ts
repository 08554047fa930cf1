import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../functions/api/http/openapi.ts';
import { routeList } from '../../../functions/api/routes.ts';

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; security?: unknown[]; responses: object }>>;
    components: { schemas: Record<string, unknown> };
  };

  it('has exactly the routes of the route table', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routeList.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('marks public routes as needing no token and documents 401 on the others', () => {
    for (const route of routeList) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      if (route.access === 'public') expect(op?.security).toEqual([]);
      else expect(op?.responses).toHaveProperty('401');
    }
  });

  it('names the schemas as components', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Environment', 'Project', 'Stack', 'Error', 'CreateEnvironmentRequest']),
    );
  });
});
