/**
 * Checks answers against the OpenAPI document the API serves (GET /openapi.json): the status
 * must be documented for the request's method and path template, and the body must be valid
 * against that response's schema (JSON Schema 2020-12, with formats). An answer to a path
 * no operation has must be the gateway's 404 in the error shape.
 *
 * ajv does the validation (`ajv/dist/2020`, formats from ajv-formats); the document's
 * `#/components/schemas/<name>` references are rewritten to ids ajv knows each component by.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

interface DocumentedResponse {
  /** By content type; absent when the answer has no body (204). */
  content?: Record<string, { schema?: Json }>;
  /** By name; a `$ref` to a header component, or the header itself. */
  headers?: Record<string, { required?: boolean; $ref?: string }>;
}

interface DocumentedOperation {
  operationId: string;
  responses: Record<string, DocumentedResponse>;
}

export interface OpenApiDocument {
  servers: { url: string }[];
  paths: Record<string, Record<string, DocumentedOperation>>;
  components: { schemas: Record<string, Json> };
}

/** An answer as a client received it. */
export interface Answer {
  method: string;
  /** The path below the API's base URL (`/projects/p_1`), with or without a query string. */
  path: string;
  status: number;
  /** The response's content type, if any. */
  contentType: string | undefined;
  /** The raw body. */
  text: string;
  /** The response's headers, names lower-cased (absent: not checked). */
  headers?: Record<string, string | string[]>;
}

/**
 * Response headers the document promises or that only some answers may carry: an answer must
 * have the ones documented as required, and may have these only where documented.
 */
const CHECKED_HEADERS = ['etag', 'location', 'idempotent-replayed'];

const COMPONENTS = '#/components/schemas/';
const componentUri = (name: string) => `urn:openapi:component:${name}`;

/** A copy of `value` whose component references point at the ids the components are added under. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      key === '$ref' && typeof item === 'string' && item.startsWith(COMPONENTS)
        ? componentUri(item.slice(COMPONENTS.length))
        : rewriteRefs(item),
    ]),
  );
}

/** A path template (`/projects/{project_id}`) as a regular expression, and how literal it is. */
interface Template {
  path: string;
  pattern: RegExp;
  /** Literal segments first: API Gateway prefers `/a/b` to `/a/{x}`. */
  rank: string;
}

function compileTemplate(path: string): Template {
  const segments = path.split('/').slice(1);
  const source = segments
    .map((segment) =>
      /^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return {
    path,
    pattern: new RegExp(`^/${source}$`),
    rank: segments.map((segment) => (segment.startsWith('{') ? '1' : '0')).join(''),
  };
}

/** Validates answers against one served document. */
export class ContractChecker {
  readonly document: OpenApiDocument;
  readonly #ajv: Ajv2020;
  readonly #templates: Template[];
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    this.document = document;
    // strict: a schema ajv cannot understand fails loudly instead of accepting everything;
    // `example` is the only annotation the document adds to JSON Schema's own.
    this.#ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    this.#ajv.addVocabulary(['example']);
    addFormats.default(this.#ajv);
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      this.#ajv.addSchema({ ...(rewriteRefs(schema) as Json), $id: componentUri(name) });
    }
    // Compiled now, so that a schema ajv (strict) cannot read fails here, not on some answer.
    for (const name of Object.keys(document.components.schemas)) this.#ajv.getSchema(componentUri(name));
    this.#templates = Object.keys(document.paths)
      .map(compileTemplate)
      .sort((a, b) => a.rank.localeCompare(b.rank));
  }

  /** The operation of `method` and `path`, if the document has one. */
  operationOf(
    method: string,
    path: string,
  ): { template: string; operation: DocumentedOperation } | undefined {
    const bare = path.split('?')[0] ?? path;
    for (const template of this.#templates) {
      if (!template.pattern.test(bare)) continue;
      const operation = this.document.paths[template.path]?.[method.toLowerCase()];
      if (operation) return { template: template.path, operation };
    }
    return undefined;
  }

  #validator(key: string, schema: Json): ValidateFunction {
    let validate = this.#validators.get(key);
    if (!validate) {
      validate = this.#ajv.compile(rewriteRefs(schema) as Json);
      this.#validators.set(key, validate);
    }
    return validate;
  }

  /** What is wrong with `answer` by the document; undefined when nothing is. */
  violation(answer: Answer): string | undefined {
    const { method, path, status } = answer;
    const found = this.operationOf(method, path);
    const where = `${method} ${path} answered ${status}`;
    if (!found) {
      // No operation: only the gateway's own 404 (in the error shape) may answer.
      if (status !== 404) return `${where}, but no operation of the document has this method and path`;
      return this.#bodyViolation(where, 'error', { schema: { $ref: `${COMPONENTS}Error` } }, answer);
    }
    const response = found.operation.responses[String(status)];
    if (!response) {
      return `${where}: status ${status} is not documented for ${method} ${found.template} (${found.operation.operationId})`;
    }
    const key = `${found.operation.operationId} ${status}`;
    const headers = this.#headerViolation(where, response, answer);
    if (headers) return headers;
    if (!response.content) {
      return answer.text === '' ? undefined : `${where} with a body, but the document says it has none`;
    }
    const mediaType = answer.contentType?.split(';')[0]?.trim() ?? '';
    const media = response.content[mediaType];
    if (!media) {
      return `${where} as ${mediaType || 'no content type'}; documented: ${Object.keys(response.content).join(', ')}`;
    }
    return this.#bodyViolation(where, key, media, answer);
  }

  #headerViolation(where: string, response: DocumentedResponse, answer: Answer): string | undefined {
    if (!answer.headers) return undefined;
    const received = new Set(Object.keys(answer.headers).map((name) => name.toLowerCase()));
    const documented = new Map(
      Object.entries(response.headers ?? {}).map(([name, header]) => [name.toLowerCase(), header]),
    );
    for (const [name, header] of documented) {
      if (header.required === true && !received.has(name))
        return `${where} without its required ${name} header`;
    }
    const extra = CHECKED_HEADERS.filter((name) => received.has(name) && !documented.has(name));
    return extra.length > 0
      ? `${where} with ${extra.join(', ')}, which the document does not list`
      : undefined;
  }

  #bodyViolation(where: string, key: string, media: { schema?: Json }, answer: Answer): string | undefined {
    if (!media.schema) return undefined;
    if (!answer.contentType?.includes('json')) {
      // A documented non-JSON body (the docs page) is a string: nothing more to check.
      return media.schema.type === 'string' ? undefined : `${where} without a JSON body`;
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return `${where} with a body that is not JSON: ${answer.text.slice(0, 200)}`;
    }
    const validate = this.#validator(key, media.schema);
    if (validate(body)) return undefined;
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    return `${where} with a body outside its documented schema: ${errors.join('; ')}; body: ${answer.text.slice(0, 500)}`;
  }
}

/** Fetches the document `baseUrl` serves and builds a checker on it. */
export async function servedContract(baseUrl: string): Promise<ContractChecker> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`);
  return new ContractChecker((await response.json()) as OpenApiDocument);
}
