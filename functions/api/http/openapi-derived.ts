/**
 * What the OpenAPI document derives from a route's properties rather than from its schemas
 * (see `openapi.ts`): the error statuses it can answer, the headers it reads, and the tags.
 * A route property that brings statuses or headers (`ifMatch`, say) is turned into them here,
 * the same way for every route that has it (docs/decisions.md §32).
 */

import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_WINDOW_SECONDS,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  REPLAYED_HEADER,
} from '../contract/idempotency.ts';
import type { RouteDefinition } from '../route-types.ts';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON, or an invalid path, query or header parameter (unknown query parameters included)',
  401: 'Missing or invalid token (on the auth routes: incorrect credentials, code or refresh token)',
  403: 'Your role does not allow this action',
  404: 'Not found, or not yours',
  409: 'Conflict: illegal state transition, duplicate name, operation in progress',
  412: 'If-Match version mismatch',
  413: 'Request body too large (the function’s limit, 64 KiB by default, or API Gateway’s 10 MiB), whatever the method',
  422: 'Request body failed validation (errors lists the fields)',
  429: 'Throttled',
  500: 'Internal error',
  502: 'The function failed without an answer (API Gateway)',
  503: 'A dependency (the table, the workflow engine) is briefly unavailable or a write collided with a concurrent one; retry',
  504: 'The function did not answer within the integration timeout (API Gateway, 29 s)',
};

/**
 * The tags of the document, with their descriptions; a route's `tag` must be one of them
 * (generation fails otherwise, so that every operation's tag is defined).
 */
export const TAGS: Record<string, string> = {
  meta: 'Liveness and this documentation',
  auth: 'Sign-up, confirmation, login and token refresh (Cognito), and the caller',
  projects: 'Projects: the containers of environments',
  'service-accounts': 'A project’s service accounts: identities for pipelines, confined to the project',
  webhooks: 'A project’s outgoing webhooks: signed lifecycle events (Standard Webhooks) to HTTPS endpoints',
  previews: 'Pull-request preview environments: settings, the signed GitHub hook, the list of previews',
  environments: 'Environments: their lifecycle (create, change, stop, start, destroy) and manifest',
  stacks: 'An environment’s stacks: read, export, redeploy, delete one, drift refresh',
  operations: 'Operations (runs): read, cancel, retry, and their logs',
  deployments: 'Application deployments onto running environments, and their logs',
  templates: 'Built-in templates and their rendering',
  validation: 'Checks of manifests, dependency graphs and AWS accounts, creating nothing',
  events: 'Lifecycle events and platform metrics',
  audit: 'Who did what, when, and how it ended (Administrators)',
  approvals: 'Approvals of operations on protected environments: what waits for you, approve, reject',
};

/**
 * Every error status `route` can answer, sorted. Those that follow from a route's properties
 * are derived here, the same for every route that has the property, so that no route can
 * forget one; `route.errors` adds what only its domain can refuse.
 */
export function errorStatusesOf(route: RouteDefinition): number[] {
  return [
    ...new Set([
      // Malformed path or header parameters, unknown query parameters, malformed JSON.
      400,
      // Every function checks the size of any body, whatever the method (http.ts), and API
      // Gateway refuses more than 10 MiB before routing.
      413,
      // API Gateway's throttling (and Cognito's, on the auth routes).
      429,
      // An unexpected error (500); API Gateway's answers when the function fails (502) or
      // does not answer in time (504).
      500,
      502,
      504,
      ...(route.access === 'public' ? [] : [401]),
      ...(route.access === 'write' ? [403] : []),
      ...(route.request?.body ? [422] : []),
      ...(route.ifMatch ? [412] : []),
      // An Idempotency-Key in use by a request still running (409), or reused with another request (422).
      ...(route.idempotent ? [409, 422] : []),
      // A write that collided with a concurrent one (TransientStoreError), or a workflow
      // that could not be started (ServiceUnavailableError).
      ...(route.needs?.table || route.needs?.startsWorkflows ? [503] : []),
      ...(route.errors ?? []),
    ]),
  ].sort((a, b) => a - b);
}

/** Header components every operation refers to (`#/components/headers/<name>`). */
export const HEADER_COMPONENTS = {
  XRequestId: {
    description:
      'The request’s id (an error body’s `request_id`): give it when reporting a problem. Absent only on answers API Gateway gives itself, such as an authorizer’s 401.',
    schema: { type: 'string' },
  },
};

const REQUEST_ID_HEADER = { 'X-Request-Id': { $ref: '#/components/headers/XRequestId' } };

/**
 * The headers of `route`'s answer with `status`: `X-Request-Id` on every answer; `ETag` on the
 * statuses the route lists (required on its success status, optional on one it shares with a
 * dry run's plan); `Location` on the success answer of a route that creates; and
 * `Idempotent-Replayed` on the 2xx answers of an idempotent route.
 */
export function responseHeaders(route: RouteDefinition, status: number): Record<string, unknown> {
  const success = status === route.success.status;
  return {
    ...REQUEST_ID_HEADER,
    ...(route.etag?.includes(status)
      ? {
          ETag: {
            description: success
              ? 'The resource’s version, quoted (`"3"`): send it back as `If-Match`'
              : 'The resource’s version, quoted (`"3"`), when the answer is the resource (not a plan): send it back as `If-Match`',
            required: success,
            schema: { type: 'string', pattern: '^"\\d+"$' },
          },
        }
      : {}),
    ...(route.fileEtag && (status === 200 || status === 304)
      ? {
          ETag: {
            description:
              'A hash of the file: send it back as `If-None-Match` to get 304 while it is unchanged',
            required: true,
            schema: { type: 'string' },
          },
        }
      : {}),
    ...(route.location && success
      ? {
          Location: {
            description: 'The URL of what was created (below the API’s base path)',
            required: true,
            schema: { type: 'string' },
          },
        }
      : {}),
    ...(route.idempotent && status < 300 ? REPLAYED_HEADERS : {}),
  };
}

/** The error answers of `route`, each with the error shape `error`. */
export function errorResponses(route: RouteDefinition, error: unknown): Record<string, unknown> {
  return Object.fromEntries(
    errorStatusesOf(route).map((status) => {
      const description = ERROR_DESCRIPTIONS[status];
      if (description === undefined)
        throw new Error(`${route.operationId}: no description for status ${status}`);
      const idempotency = route.idempotent ? (IDEMPOTENCY_ERROR_DESCRIPTIONS[status] ?? '') : '';
      return [
        status,
        {
          description: description + idempotency,
          headers: responseHeaders(route, status),
          content: { 'application/json': { schema: error } },
        },
      ];
    }),
  );
}

/** The `If-Match` header of routes that honour it. */
export const IF_MATCH_PARAMETER = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description:
    'The version the change is based on (`3`, `"3"` or `W/"3"`; `*` for any): 412 when the resource has moved on',
  schema: { type: 'string', pattern: '^\\s*(\\*|(W/)?"?\\d{1,12}"?)\\s*$' },
};

/** What the answers of an idempotent route may also mean (docs/decisions.md §34). */
const IDEMPOTENCY_ERROR_DESCRIPTIONS: Record<number, string> = {
  400: `; or an ${IDEMPOTENCY_KEY_HEADER} that is empty or longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (INVALID_IDEMPOTENCY_KEY)`,
  409: `; or a request with the same ${IDEMPOTENCY_KEY_HEADER} is still in progress (IDEMPOTENCY_KEY_IN_USE)`,
  422: `; or the ${IDEMPOTENCY_KEY_HEADER} was used with a different body or query (IDEMPOTENCY_KEY_REUSED)`,
};

/** The optional `Idempotency-Key` request header of an idempotent route. */
export const IDEMPOTENCY_KEY_PARAMETER = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: 'header',
  required: false,
  description: `Makes the request safe to retry: a repeat with the same key (same caller, route, body and query) within ${IDEMPOTENCY_WINDOW_SECONDS / 3600} h answers the first successful answer again, with ${REPLAYED_HEADER}: true, and does nothing again. A failed request does not use the key up.`,
  schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
};

/** The optional `If-None-Match` request header of a static file's route. */
export const IF_NONE_MATCH_PARAMETER = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'The ETag of the copy the client has: 304 (no body) while the file still has it',
  schema: { type: 'string', maxLength: 200 },
};

/** The optional `Last-Event-ID` request header of a streaming route (docs/decisions.md §37). */
export const LAST_EVENT_ID_PARAMETER = {
  name: 'Last-Event-ID',
  in: 'header',
  required: false,
  description:
    'Resumes the stream: only the events after the one with this id are sent (an id the stream never sent starts from the beginning).',
  schema: { type: 'string', maxLength: 200 },
};

/** The header marking a replayed answer, on the successful answers of an idempotent route. */
export const REPLAYED_HEADERS = {
  [REPLAYED_HEADER]: {
    description: `Present (true) when this is the stored answer to an earlier request with the same ${IDEMPOTENCY_KEY_HEADER}`,
    schema: { type: 'string', enum: ['true'] },
  },
};
