/**
 * Types of the route table (see `routes.ts`). Kept apart so the CDK app, the local
 * gateway and the OpenAPI generator can import the table without pulling any handler
 * code (and so any AWS SDK) in.
 */
import type * as z from '../platform/zod.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The API's Lambda functions, one per capability (docs/decisions.md §28). Each serves the
 * routes of `functions/api/routes/<group>.ts` from its entry point
 * `functions/api/entries/<group>.ts`.
 */
export const API_GROUPS = [
  'meta',
  'auth',
  'projects',
  'service-accounts',
  'environments',
  'stacks',
  'operations',
  'deployments',
  'catalog',
  'insights',
  'streams',
  'console',
  'approvals',
  'webhooks',
] as const;

export type ApiGroup = (typeof API_GROUPS)[number];

/**
 * Who may call a route:
 * - `public`: no token (no authorizer in API Gateway);
 * - `read`: any signed-in user;
 * - `write`: any signed-in user except `ReadOnly` (403).
 * Ownership (404 for what is not yours) is checked by the domain, per resource.
 */
export type RouteAccess = 'public' | 'read' | 'write';

export interface RouteResponse {
  description: string;
  schema?: z.ZodMiniType;
  /** Content type when not JSON (Swagger UI's HTML page, a stream's `text/event-stream`). */
  contentType?: string;
  /** What a non-JSON body holds (the description of its string schema in OpenAPI). */
  contentDescription?: string;
  /** Further content types of the same answer, each a string body (the console's files). */
  otherContentTypes?: string[];
}

/**
 * What a route's function needs at run time. The CDK stack turns this into environment
 * variables and least-privilege grants; the local runtime ignores it (one process).
 */
export interface RouteNeeds {
  /** Access to the single table. */
  table?: 'read' | 'readwrite';
  /** State machines (by name, see `functions/steps/step-list.ts`) the function starts executions of. */
  startsWorkflows?: ('provision-environment' | 'destroy-environment' | 'deploy-release')[];
  /**
   * Answers the operation workflows' waiting tasks (SendTaskSuccess/Failure: an approval's
   * answer, or the cancel of an operation that waits for one); `grantTaskResponse` in CDK.
   */
  answersWorkflowTasks?: boolean;
  /** Talks to the Cognito user pool (the auth proxy routes). */
  cognito?: boolean;
  /**
   * Manages the service accounts' users with Cognito's admin API (AdminCreateUser,
   * AdminSetUserPassword, AdminAddUserToGroup, AdminDisableUser, AdminUserGlobalSignOut,
   * AdminDeleteUser), on the user pool only.
   */
  cognitoAdmin?: boolean;
  /**
   * Serves the web console's built files (`console/dist`), which the CDK stack copies into
   * the function's bundle and the local runtime points at (`CONSOLE_ASSETS_DIR`).
   */
  consoleAssets?: boolean;
}

export interface RouteDefinition {
  /** Unique, camelCase; also the OpenAPI operationId. */
  operationId: string;
  method: HttpMethod;
  /** Path below the stage, API Gateway style: `/projects/{project_id}`. */
  path: string;
  /**
   * The function that serves it: an {@link ApiGroup} in the route table (the local gateway
   * loads `<handlersDir>/<group>.ts`; tests use their own groups).
   */
  group: string;
  access: RouteAccess;
  summary: string;
  tag: string;
  request?: {
    params?: z.ZodMiniObject;
    query?: z.ZodMiniObject;
    body?: z.ZodMiniType;
  };
  /** Status code of a successful answer, and its schema. */
  success: { status: number } & RouteResponse;
  /** Other successful answers, e.g. 200 with a plan when `?dry_run=true`. */
  alternatives?: ({ status: number } & RouteResponse)[];
  needs?: RouteNeeds;
  /**
   * Honours `If-Match: <version>` (its handler calls `parseIfMatch`): documented as a header
   * parameter, with 412 for a version that no longer matches.
   */
  ifMatch?: boolean;
  /**
   * Error statuses only this route's domain can answer (404 for what is missing or not
   * yours, 409 for a conflict, 403 for a role check beyond `access`…). The statuses that follow
   * from the route's other properties (400, 413, 429, 5xx everywhere; 401 unless public;
   * 403 for `write`; 422 with a body; 412 with `ifMatch`; 503 with a table or workflows)
   * are added by the OpenAPI generator (`errorStatusesOf` in `http/openapi-derived.ts`).
   */
  errors?: number[];
  /**
   * Honours an `Idempotency-Key` header (`write` routes that create something or start work):
   * a replay answers the first 2xx answer again (docs/decisions.md §34). Adds 409 and 422.
   */
  idempotent?: boolean;
  /**
   * The success answer's `secret` is shown once (a service account's, docs/decisions.md §44):
   * an idempotent route stores its answer for replay without it, and a replay answers 409
   * `SECRET_NOT_REPLAYED` naming what the first request made, never the secret.
   */
  oneTimeSecret?: boolean;
  /**
   * The statuses whose answers carry the resource's `version` as `ETag` (the handler's `etag()`;
   * send it back as `If-Match`). Documented as a required response header, or as optional on a
   * status a dry run's plan (an alternative) shares; the e2e contract check fails on an `ETag`
   * the document does not list and on a required one missing.
   */
  etag?: number[];
  /**
   * A static file: its 200 and 304 answers carry a strong `ETag` (a hash of the file) and the
   * route reads `If-None-Match` (304 when it names the file's ETag).
   */
  fileEtag?: boolean;
  /**
   * `request.body` documents the body, but the HTTP stack neither parses nor validates it: the
   * handler reads `rawBody` (a signature over the exact bytes is checked first, then the handler
   * parses it; the Git host hook, docs/decisions.md §46).
   */
  rawBody?: boolean;
  /**
   * The largest body this route takes, in bytes, when it is not the configured `MAX_BODY_BYTES`
   * (the Git host hook: GitHub's pull request payloads often pass 64 KiB).
   */
  maxBodyBytes?: number;
  /** The success answer carries `Location`, the URL of what it created. */
  location?: boolean;
  /**
   * The answer is streamed (Server-Sent Events, docs/decisions.md §37): the CDK method uses
   * `ResponseTransferMode.STREAM` and the local gateway pipes the handler's stream. Its group's
   * entry point exports a streaming handler (`awslambda.streamifyResponse`).
   */
  streaming?: boolean;
}

/** A route as its group's file declares it: the group is stamped by {@link routeGroup}. */
export type RouteSpec = Omit<RouteDefinition, 'group'>;

/** `T` with every key `Shape` lacks typed `never`: an unknown key is a type error. */
type Exactly<T, Shape> = T & Record<Exclude<keyof T, keyof Shape>, never>;

/**
 * Declares one route (type-checked as a {@link RouteSpec}, its literal types kept). A generic
 * parameter has no excess-property check of its own, so the keys of the route and of its
 * `needs` are checked here: a misspelt need would otherwise drop a grant without a word.
 */
export const route = <T extends RouteSpec>(
  r: Exactly<T, RouteDefinition> & { needs?: Exactly<NonNullable<T['needs']>, RouteNeeds> },
): T => r;

/** The routes of one function: each gets the group, so a route belongs to exactly one. */
export function routeGroup<G extends ApiGroup, T extends Record<string, RouteSpec>>(
  group: G,
  routes: T,
): { [K in keyof T]: T[K] & { group: G } } {
  return Object.fromEntries(Object.entries(routes).map(([name, r]) => [name, { ...r, group }])) as {
    [K in keyof T]: T[K] & { group: G };
  };
}
