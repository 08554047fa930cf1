import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../functions/api/http/openapi.ts';
import { errorStatusesOf } from '../../../functions/api/http/openapi-derived.ts';
import type { RouteDefinition } from '../../../functions/api/route-types.ts';
import { routeList, routes } from '../../../functions/api/routes.ts';
import * as z from '../../../functions/platform/zod.ts';

type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  responses: Record<
    string,
    { content?: Record<string, { schema: unknown }>; headers?: Record<string, { required?: boolean }> }
  >;
};

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as {
    openapi: string;
    tags: { name: string }[];
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  };
  const operationOf = (route: RouteDefinition): Operation => {
    const op = doc.paths[route.path]?.[route.method.toLowerCase()];
    if (!op) throw new Error(`${route.method} ${route.path} is not documented`);
    return op;
  };

  it('has exactly the routes of the route table', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routeList.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('marks public routes as needing no token and documents 401 on the others', () => {
    for (const route of routeList) {
      const op = operationOf(route);
      if (route.access === 'public') expect(op.security).toEqual([]);
      else expect(op.responses).toHaveProperty('401');
    }
  });

  it('names the schemas as components', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Environment', 'Project', 'Stack', 'Error', 'CreateEnvironmentRequest']),
    );
  });

  it('documents the rendered manifest, not the environment manifest, as the answer of a render', () => {
    const render = operationOf(routes.renderTemplate);
    expect(render.responses['200']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/RenderedManifest',
    });
  });

  it('documents the statuses that follow from what a route is, on every route, with the error shape', () => {
    for (const route of routeList) {
      const responses = operationOf(route).responses;
      const expected = [
        400,
        413,
        429,
        500,
        502,
        504,
        ...(route.access === 'public' ? [] : [401]),
        ...(route.access === 'write' ? [403] : []),
        ...(route.request?.body ? [422] : []),
        ...(route.ifMatch ? [412] : []),
        ...(route.needs?.table ? [503] : []),
      ];
      for (const status of expected) {
        expect(
          responses[String(status)]?.content?.['application/json']?.schema,
          `${route.operationId} ${status}`,
        ).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  it('derives the statuses of a body-less public route and of a write route with If-Match', () => {
    expect(errorStatusesOf(routes.getHealth)).toEqual([400, 413, 429, 500, 502, 504]);
    expect(errorStatusesOf(routes.updateProject)).toEqual([
      400, 401, 403, 404, 409, 412, 413, 422, 429, 500, 502, 503, 504,
    ]);
    expect(errorStatusesOf(routes.confirm)).toEqual([400, 401, 409, 413, 422, 429, 500, 502, 504]);
  });

  it('documents If-Match on exactly the routes whose handler reads it', () => {
    const handlersDir = join(import.meta.dirname, '../../../functions/api/handlers');
    for (const route of routeList) {
      const kebab = route.operationId.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const readsIfMatch = readFileSync(join(handlersDir, `${kebab}.ts`), 'utf8').includes('parseIfMatch(');
      const documented = (operationOf(route).parameters ?? []).some(
        (p) => p.in === 'header' && p.name === 'If-Match',
      );
      expect(documented, route.operationId).toBe(readsIfMatch);
      expect(route.ifMatch === true, route.operationId).toBe(readsIfMatch);
    }
  });

  it('documents X-Request-Id on every answer, as one header component', () => {
    for (const route of routeList) {
      for (const [status, response] of Object.entries(operationOf(route).responses)) {
        expect(response.headers?.['X-Request-Id'], `${route.operationId} ${status}`).toEqual({
          $ref: '#/components/headers/XRequestId',
        });
      }
    }
  });

  it('documents ETag as required where the answer is always the resource, optional where it may be a plan', () => {
    const etagOf = (route: RouteDefinition) =>
      Object.entries(operationOf(route).responses)
        .filter(([, response]) => response.headers?.ETag !== undefined)
        .map(([status, response]) => [Number(status), response.headers?.ETag?.required]);
    expect(etagOf(routes.getEnvironment)).toEqual([[200, true]]);
    expect(etagOf(routes.createEnvironment)).toEqual([[202, true]]);
    expect(etagOf(routes.updateEnvironment)).toEqual([
      [200, false],
      [202, true],
    ]);
    expect(etagOf(routes.listEnvironments)).toEqual([]);
  });

  it('documents ETag on exactly the routes whose handler sets it, and Location where it creates one', () => {
    const handlersDir = join(import.meta.dirname, '../../../functions/api/handlers');
    for (const route of routeList) {
      const kebab = route.operationId.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const source = readFileSync(join(handlersDir, `${kebab}.ts`), 'utf8');
      expect((route.etag ?? []).length > 0, route.operationId).toBe(source.includes('etag('));
      expect(route.location === true, route.operationId).toBe(source.includes('location:'));
    }
    const created = operationOf(routes.createProject).responses['201']?.headers?.Location;
    expect(created).toEqual({
      description: 'The URL of what was created (below the API’s base path)',
      required: true,
      schema: { type: 'string' },
    });
  });

  it('defines every tag it uses', () => {
    const used = new Set(routeList.map((r) => r.tag));
    expect(
      doc.tags
        .map((t) => t.name)
        .filter((name) => used.has(name))
        .sort(),
    ).toEqual([...used].sort());
  });
});

describe('component names', () => {
  const routeAnswering = (operationId: string, path: string, schema: z.ZodMiniType): RouteDefinition => ({
    operationId,
    method: 'GET',
    path,
    group: 'test',
    access: 'public',
    summary: operationId,
    tag: 'meta',
    success: { status: 200, description: 'ok', schema },
  });

  it('fails generation when two different schemas claim one name', () => {
    // Arrange
    const first = z.withMeta(z.object({ a: z.string() }), { id: 'Twin' });
    const second = z.withMeta(z.object({ b: z.number() }), { id: 'Twin' });

    // Act + Assert
    expect(() =>
      openApiDocument('/v1', [routeAnswering('getA', '/a', first), routeAnswering('getB', '/b', second)]),
    ).toThrow('Two different schemas are named Twin: an OpenAPI component name must be unique');
  });

  it('refers to one schema used by two routes as one component', () => {
    // Arrange
    const shared = z.withMeta(z.object({ a: z.string() }), { id: 'Shared' });

    // Act
    const doc = openApiDocument('/v1', [
      routeAnswering('getA', '/a', shared),
      routeAnswering('getB', '/b', shared),
    ]) as {
      components: { schemas: Record<string, unknown> };
    };

    // Assert
    expect(doc.components.schemas.Shared).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
      required: ['a'],
    });
  });
});
