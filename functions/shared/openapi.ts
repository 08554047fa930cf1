/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas, so a
 * route cannot exist in the API and be missing here (or the other way round).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { RouteDefinition } from '../api/route-types.ts';
import { routeList } from '../api/routes.ts';
import { ErrorResponse } from '../domain/schemas.ts';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON or invalid path/query parameter',
  401: 'Missing or invalid token',
  403: 'Your role does not allow this action',
  404: 'Not found, or not yours',
  409: 'Conflict: illegal state transition, duplicate name, operation in progress',
  412: 'If-Match version mismatch',
  413: 'Request body too large',
  422: 'Request body failed validation (errors lists the fields)',
  429: 'Throttled',
  500: 'Internal error',
  503: 'A dependency is unavailable; retry',
};

function errorResponses(route: RouteDefinition): RouteConfig['responses'] {
  const statuses = new Set([
    400,
    429,
    500,
    ...(route.access === 'public' ? [] : [401]),
    ...(route.errors ?? []),
  ]);
  return Object.fromEntries(
    [...statuses].sort().map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/json': { schema: ErrorResponse } },
      },
    ]),
  );
}

function toRouteConfig(route: RouteDefinition): RouteConfig {
  const { success } = route;
  const contentType = success.contentType ?? 'application/json';
  return {
    method: route.method.toLowerCase() as RouteConfig['method'],
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.access === 'public' ? { security: [] } : {}),
    request: {
      ...(route.request?.params ? { params: route.request.params } : {}),
      ...(route.request?.query ? { query: route.request.query } : {}),
      ...(route.request?.body
        ? { body: { required: true, content: { 'application/json': { schema: route.request.body } } } }
        : {}),
    },
    responses: {
      [success.status]: {
        description: success.description,
        ...(success.schema || success.contentType
          ? { content: { [contentType]: { schema: success.schema ?? { type: 'string' } } } }
          : {}),
      },
      ...Object.fromEntries(
        (route.alternatives ?? []).map((alternative) => [
          alternative.status,
          {
            description: alternative.description,
            ...(alternative.schema
              ? { content: { 'application/json': { schema: alternative.schema } } }
              : {}),
          },
        ]),
      ),
      ...errorResponses(route),
    },
  };
}

export function openApiDocument(serverUrl = '/v1'): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'cognitoIdToken', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Cognito ID token (POST /auth/login returns it as id_token)',
  });
  for (const route of routeList) registry.registerPath(toRouteConfig(route));
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Cloud Environment Provisioning API',
      version: '1.0.0',
      description:
        'Provision simulated cloud environments from templates of stacks, walked layer by layer by a Step Functions workflow.',
    },
    servers: [{ url: serverUrl }],
    security: [{ cognitoIdToken: [] }],
  }) as unknown as Record<string, unknown>;
}
