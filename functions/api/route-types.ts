/**
 * Types of the route table (see `routes.ts`). Kept apart so the CDK app, the local
 * gateway and the OpenAPI generator can import the table without pulling any handler
 * code (and so any AWS SDK) in.
 */
import type * as z from '../domain/zod.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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
  /** Content type when not JSON (Swagger UI's HTML page). */
  contentType?: string;
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
  /** Publishes lifecycle events to the event bus (anything that starts or settles work). */
  events?: boolean;
  /** Talks to the Cognito user pool (the auth proxy routes). */
  cognito?: boolean;
}

export interface RouteDefinition {
  /** Unique, camelCase; also the OpenAPI operationId. */
  operationId: string;
  method: HttpMethod;
  /** Path below the stage, API Gateway style: `/projects/{project_id}`. */
  path: string;
  /** Basename of the Lambda file under `functions/api/` that exports `handler`. */
  handler: string;
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
  /** Error statuses this route can answer, beyond the ones every route may (400, 401, 429, 500). */
  errors?: number[];
}
