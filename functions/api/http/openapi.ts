/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas, so a
 * route cannot exist in the API and be missing here (or the other way round).
 *
 * zod converts the schemas itself (`z.toJSONSchema`, JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1). A schema registered with an `id` (see `contract/common.ts`) becomes
 * `components.schemas.<id>`, referenced wherever it is used; everything else is inlined.
 */
import { isDeepStrictEqual } from 'node:util';
import * as z from '../../platform/zod.ts';
import { ErrorResponse } from '../contract/common.ts';
import type { RouteDefinition } from '../route-types.ts';
import { routeList } from '../routes.ts';
import {
  errorResponses,
  HEADER_COMPONENTS,
  IDEMPOTENCY_KEY_PARAMETER,
  IF_MATCH_PARAMETER,
  LAST_EVENT_ID_PARAMETER,
  responseHeaders,
  TAGS,
} from './openapi-derived.ts';

type Schema = z.core.$ZodType;
type JsonSchema = z.core.JSONSchema.JSONSchema;
/** Requests are documented as what a client may send, answers as what it receives. */
type Io = 'input' | 'output';

const COMPONENTS = '#/components/schemas/';

/** The component name of a schema, if it has one. */
function componentId(schema: Schema): string | undefined {
  return z.globalRegistry.get(schema)?.id;
}

/** The schemas directly inside `schema`, including the one it refines (`.check()` clones keep it as parent). */
function childrenOf(schema: Schema): Schema[] {
  const { def, parent } = (schema as z.core.$ZodTypes)._zod;
  const children: Schema[] = parent ? [parent] : [];
  switch (def.type) {
    case 'object':
      children.push(...Object.values(def.shape), ...(def.catchall ? [def.catchall] : []));
      break;
    case 'array':
      children.push(def.element);
      break;
    case 'union':
      children.push(...def.options);
      break;
    case 'intersection':
      children.push(def.left, def.right);
      break;
    case 'tuple':
      children.push(...def.items, ...(def.rest ? [def.rest] : []));
      break;
    case 'record':
      children.push(def.keyType, def.valueType);
      break;
    case 'pipe':
      children.push(def.in, def.out);
      break;
    case 'lazy':
      children.push(def.getter());
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      children.push(def.innerType);
      break;
  }
  return children;
}

/**
 * The named schemas reachable from `roots`, by id. Component names are global (`owners`
 * spans the whole document), so two different schemas may not share one: each would be
 * documented as the other.
 */
function collectNamed(roots: Schema[], owners: Map<string, Schema>): Map<string, Schema> {
  const named = new Map<string, Schema>();
  const visited = new Set<Schema>();
  const visit = (schema: Schema): void => {
    if (visited.has(schema)) return;
    visited.add(schema);
    const id = componentId(schema);
    if (id !== undefined) {
      const owner = owners.get(id);
      if (owner !== undefined && owner !== schema) {
        throw new Error(`Two different schemas are named ${id}: an OpenAPI component name must be unique`);
      }
      owners.set(id, schema);
      named.set(id, schema);
    }
    for (const child of childrenOf(schema)) visit(child);
  };
  for (const root of roots) visit(root);
  return named;
}

/** Brings zod's JSON Schema back to what the contract has always said. */
function contractStyle(io: Io) {
  return ({ zodSchema, jsonSchema }: { zodSchema: Schema; jsonSchema: JsonSchema }): void => {
    // zod bounds every int by the safe-integer range; the contract never spelt that out, and
    // it would clutter every count and version.
    if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    // As output, zod closes every plain object (`additionalProperties: false`), since parsing
    // drops unknown keys. Answers are built by presenters, never parsed, so their objects stay
    // open as they always were; strict objects stay closed.
    const { def } = (zodSchema as z.core.$ZodTypes)._zod;
    if (io === 'output' && def.type === 'object' && def.catchall === undefined) {
      delete jsonSchema.additionalProperties;
    }
  };
}

/** The document's view of each root: a `$ref` to its component, or the schema inline. */
type Views = Map<Schema, JsonSchema>;

interface Converted {
  /** By component id. */
  components: Map<string, JsonSchema>;
  roots: Views;
}

/**
 * Converts `roots` and the named schemas they use in one pass, so that every use of a named
 * schema is a `$ref` to `#/components/schemas/<name(id)>`.
 */
function convert(
  io: Io,
  roots: Schema[],
  named: Map<string, Schema>,
  name: (id: string) => string,
): Converted {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of named) registry.add(schema, { id });
  // Unnamed roots (path and query objects, ad-hoc unions) join the pass under a private key.
  const keys = new Map<Schema, string>();
  for (const root of roots) {
    if (componentId(root) === undefined && !keys.has(root)) {
      const key = `__root_${keys.size}`;
      keys.set(root, key);
      registry.add(root, { id: key });
    }
  }
  const { schemas } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    uri: (id) => `${COMPONENTS}${name(id)}`,
    override: contractStyle(io),
  });
  const body = (key: string): JsonSchema => {
    const schema = schemas[key];
    if (!schema) throw new Error(`zod did not convert ${key}`);
    // zod emits each as a document of its own; in this one, they are plain schemas.
    const { $schema: _dialect, $id: _uri, ...rest } = schema;
    return rest;
  };
  const viewOf = (root: Schema): JsonSchema => {
    const id = componentId(root);
    return id === undefined ? body(keys.get(root) ?? '') : { $ref: `${COMPONENTS}${name(id)}` };
  };
  return {
    components: new Map([...named.keys()].map((id) => [id, body(id)])),
    roots: new Map(roots.map((root) => [root, viewOf(root)])),
  };
}

/** Every schema the route table documents, keyed by how it is documented. */
function rootsOf(routes: RouteDefinition[]): Record<Io, Schema[]> {
  const input = routes.flatMap((route) =>
    [route.request?.params, route.request?.query, route.request?.body].filter((s) => s !== undefined),
  );
  const output = [
    ErrorResponse,
    ...routes.flatMap((route) =>
      [route.success, ...(route.alternatives ?? [])].flatMap((answer) =>
        answer.schema ? [answer.schema] : [],
      ),
    ),
  ];
  return { input, output };
}

/**
 * All component schemas, and each root's view. A named schema documented both ways keeps its
 * name for what clients send; when what they receive differs (a default filled in, say),
 * that view is a second component, `<id>Output`, and the answers refer to it.
 */
function convertAll(routes: RouteDefinition[]): { components: Record<string, JsonSchema>; roots: Views } {
  const roots = rootsOf(routes);
  const owners = new Map<string, Schema>();
  const inputNamed = collectNamed(roots.input, owners);
  const outputNamed = collectNamed(roots.output, owners);
  const input = convert('input', roots.input, inputNamed, (id) => id);
  const outputViews = new Set<string>();
  let output: Converted;
  for (;;) {
    output = convert('output', roots.output, outputNamed, (id) => (outputViews.has(id) ? `${id}Output` : id));
    // Renaming a component changes the `$ref`s of the schemas using it: repeat until stable.
    const diverging = [...output.components].filter(
      ([id, schema]) =>
        !outputViews.has(id) &&
        input.components.has(id) &&
        !isDeepStrictEqual(input.components.get(id), schema),
    );
    if (diverging.length === 0) break;
    for (const [id] of diverging) {
      if (owners.has(`${id}Output`))
        throw new Error(`${id}Output is taken: cannot name the output view of ${id}`);
      outputViews.add(id);
    }
  }
  const components = [
    ...input.components,
    ...[...output.components].map(
      ([id, schema]) => [outputViews.has(id) ? `${id}Output` : id, schema] as const,
    ),
  ].sort(([a], [b]) => a.localeCompare(b));
  return { components: Object.fromEntries(components), roots: new Map([...input.roots, ...output.roots]) };
}

/** Path or query parameters, one per property of the route's (object) schema. */
function parametersOf(view: JsonSchema | undefined, location: 'path' | 'query'): Record<string, unknown>[] {
  if (!view) return [];
  if (view.type !== 'object' || !view.properties) {
    throw new Error(`${location} parameters must be an object schema`);
  }
  const required = new Set(view.required ?? []);
  return Object.entries(view.properties).map(([name, schema]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema,
  }));
}

/**
 * Throws unless every `$ref` in `value` names one of `components` (by kind: `schemas`,
 * `headers`), as `#/components/<kind>/<name>`.
 */
function assertRefsResolve(value: unknown, components: Record<string, Record<string, unknown>>): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    if (key === '$ref') {
      const [, kind = '', name = ''] = /^#\/components\/([^/]+)\/(.+)$/.exec(String(item)) ?? [];
      const named = components[kind];
      if (!named || !Object.hasOwn(named, name)) {
        throw new Error(`Unresolvable $ref in the OpenAPI document: ${String(item)}`);
      }
    }
    assertRefsResolve(item, components);
  }
}

function operation(route: RouteDefinition, views: Views): Record<string, unknown> {
  const view = (schema: Schema | undefined): JsonSchema | undefined =>
    schema ? views.get(schema) : undefined;
  const { success } = route;
  const contentType = success.contentType ?? 'application/json';
  const parameters = [
    ...parametersOf(view(route.request?.params), 'path'),
    ...parametersOf(view(route.request?.query), 'query'),
    ...(route.ifMatch ? [IF_MATCH_PARAMETER] : []),
    ...(route.idempotent ? [IDEMPOTENCY_KEY_PARAMETER] : []),
    ...(route.streaming ? [LAST_EVENT_ID_PARAMETER] : []),
  ];
  const body = view(route.request?.body);
  if (!Object.hasOwn(TAGS, route.tag))
    throw new Error(`${route.operationId}: tag ${route.tag} is not defined`);
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    responses: {
      [success.status]: {
        description: success.description,
        headers: responseHeaders(route, success.status),
        ...(success.schema || success.contentType
          ? {
              content: {
                [contentType]: {
                  schema: view(success.schema) ?? {
                    type: 'string',
                    ...(success.contentDescription ? { description: success.contentDescription } : {}),
                  },
                },
              },
            }
          : {}),
      },
      ...Object.fromEntries(
        (route.alternatives ?? []).map((alternative) => [
          alternative.status,
          {
            description: alternative.description,
            headers: responseHeaders(route, alternative.status),
            ...(alternative.schema
              ? { content: { 'application/json': { schema: view(alternative.schema) } } }
              : {}),
          },
        ]),
      ),
      ...errorResponses(route, views.get(ErrorResponse) ?? {}),
    },
  };
}

/**
 * The document of `routes` (the route table by default). Throws when it cannot be exact:
 * two different schemas under one component name, a tag or a status without a description,
 * a `$ref` to nothing.
 */
export function openApiDocument(
  serverUrl = '/v1',
  routes: readonly RouteDefinition[] = routeList,
): Record<string, unknown> {
  const { components, roots } = convertAll([...routes]);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const methods = paths[route.path] ?? {};
    methods[route.method.toLowerCase()] = operation(route, roots);
    paths[route.path] = methods;
  }
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Cloud Environment Provisioning API',
      version: '1.0.0',
      description:
        'Provision simulated cloud environments from templates of stacks, walked layer by layer by a Step Functions workflow.',
    },
    servers: [{ url: serverUrl }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    security: [{ cognitoIdToken: [] }],
    components: {
      securitySchemes: {
        cognitoIdToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A Cognito ID token (POST /auth/login returns it as id_token)',
        },
      },
      schemas: components,
      headers: HEADER_COMPONENTS,
    },
    paths,
  };
  assertRefsResolve(document, { schemas: components, headers: HEADER_COMPONENTS });
  return document;
}
