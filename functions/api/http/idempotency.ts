/**
 * Idempotent requests (`Idempotency-Key`, docs/decisions.md §34), one piece of the HTTP stack
 * applied to every route flagged `idempotent` in the route table (see `audited-route.ts`),
 * built on Powertools Idempotency and its DynamoDB persistence layer.
 *
 * - No header: the request runs as always.
 * - The key is scoped to the caller (Cognito `sub`) and the route (method, path template and
 *   path parameters): two users, or two routes, never share one.
 * - The first request with a key runs; a 2xx answer is stored for 24 h and every replay
 *   answers it again (status, body, headers) with `Idempotent-Replayed: true`, running nothing.
 * - A replay with a different body or query (`dry_run`…) → 422 `IDEMPOTENCY_KEY_REUSED`; one
 *   while the first still runs → 409 `IDEMPOTENCY_KEY_IN_USE`.
 * - A failed request (an error, so a 4xx or 5xx answer) is not stored: Powertools deletes the
 *   record when the function throws, so the client may retry with the same key.
 * - A route whose answer carries a one-time `secret` (`oneTimeSecret`, a service account's) is
 *   stored without it (a secret never rests in the table), and a replay answers 409
 *   `SECRET_NOT_REPLAYED` naming what the first request made: rotate it for a new secret.
 *
 * Runs after identity, access and request parsing: a request refused there (401, 403, 400, 422)
 * never touches the key.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { idempotencyDeps } from '../../app/dependencies.ts';
import type { Principal } from '../../domain/access.ts';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_WINDOW_SECONDS,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  REPLAYED_HEADER,
} from '../contract/idempotency.ts';
import type { RouteDefinition } from '../route-types.ts';
import { BadRequestError, HttpError } from './errors.ts';
import type { HttpRequest, HttpResponse } from './http.ts';

/** What the key of one request is made of (hashed by Powertools into the record's sort key). */
interface Scope {
  caller: string;
  method: string;
  path: string;
  params: unknown;
  key: string;
}

/** The function Powertools makes idempotent: its argument, and the stored answer. */
interface Invocation {
  scope: Scope;
  /** What a replay must repeat exactly: the body and the query. */
  payload: { body: unknown; query: unknown };
}

/** A non-2xx answer returned (not thrown) by a handler: thrown through Powertools so the key is released. */
class UnstoredAnswerError extends Error {
  readonly response: HttpResponse;

  constructor(response: HttpResponse) {
    super(`Answer ${response.statusCode} is not stored for replay`);
    this.name = new.target.name;
    this.response = response;
  }
}

/** The `Idempotency-Key` of a request; undefined when absent. @throws BadRequestError when malformed. */
export function idempotencyKeyOf(headers: Record<string, string | undefined>): string | undefined {
  const key = headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BadRequestError(
      'Invalid Idempotency-Key header',
      [
        {
          field: `header.${IDEMPOTENCY_KEY_HEADER.toLowerCase()}`,
          message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
        },
      ],
      'INVALID_IDEMPOTENCY_KEY',
    );
  }
  return key;
}

/** Plain JSON (what DynamoDB stores and what the client received): undefined fields dropped. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? null)) as T;

/** The answer as stored for replay: without the one-time `secret` of its body. */
function withoutSecret(response: HttpResponse): HttpResponse {
  const body = response.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || !('secret' in body)) return response;
  const { secret: _secret, ...rest } = body;
  return { ...response, body: rest };
}

/** Where one caller's records live (the DynamoDB persistence layer; tests may bring another). */
export type IdempotencyPersistence = (userId: string) => BasePersistenceLayer;

/**
 * Wraps a route's implementation: with an `Idempotency-Key` header, the first request runs
 * and its 2xx answer is stored; replays answer it again.
 */
export function idempotent<R extends RouteDefinition & { access: 'write' }>(
  route: R,
  impl: (request: HttpRequest<R>) => Promise<HttpResponse>,
  persistence: IdempotencyPersistence = idempotencyDeps.persistence,
): (request: HttpRequest<R>) => Promise<HttpResponse> {
  return async (request) => {
    const key = idempotencyKeyOf(request.headers);
    if (key === undefined) return impl(request);
    const caller = (request.principal as Principal).userId;
    let first: HttpResponse | undefined;
    const run = makeIdempotent(
      async (_invocation: Invocation): Promise<HttpResponse> => {
        const response = await impl(request);
        if (response.statusCode < 200 || response.statusCode > 299) throw new UnstoredAnswerError(response);
        first = plain(response);
        return route.oneTimeSecret ? withoutSecret(first) : first;
      },
      {
        persistenceStore: persistence(caller),
        // The route's id, not the function's name: the same in AWS and locally, and two routes
        // of one function never share a key.
        keyPrefix: route.operationId,
        config: new IdempotencyConfig({
          eventKeyJmesPath: 'scope',
          payloadValidationJmesPath: 'payload',
          throwOnNoIdempotencyKey: true,
          expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
          // An in-progress record outlives a crashed or timed-out invocation only until the
          // invocation's deadline; then the key may be used again.
          lambdaContext: request.context,
        }),
      },
    );
    try {
      const response = await run({
        scope: { caller, method: route.method, path: route.path, params: plain(request.params), key },
        payload: { body: plain(request.body), query: plain(request.query) },
      });
      if (first) return first;
      if (route.oneTimeSecret) {
        const id = (response.body as { id?: unknown } | undefined)?.id;
        throw new HttpError(
          409,
          'SECRET_NOT_REPLAYED',
          `This Idempotency-Key was used by an earlier request for ${String(id)}; its secret was in that answer only: rotate it for a new one`,
        );
      }
      return { ...response, headers: { ...response.headers, [REPLAYED_HEADER.toLowerCase()]: 'true' } };
    } catch (error) {
      if (error instanceof UnstoredAnswerError) return error.response;
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new HttpError(
          409,
          'IDEMPOTENCY_KEY_IN_USE',
          'A request with this Idempotency-Key is still in progress; retry once it has finished',
        );
      }
      if (error instanceof IdempotencyValidationError) {
        throw new HttpError(
          422,
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used with a different request body or query; use a new key',
        );
      }
      throw error;
    }
  };
}
