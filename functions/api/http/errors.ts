/**
 * The one place errors become HTTP answers (DESIGN.md §4). Domain errors say what went
 * wrong in the domain's terms; this module gives each kind its status code and the
 * contract's error shape, and turns the domain's field paths (paths in the input) into
 * paths in the request (`body.ttl_hours`, `query.cursor`). Errors only the HTTP layer can
 * raise (a malformed parameter, a body too large…) are `HttpError`s with their own status.
 */
import {
  ConflictError,
  DomainError,
  type FieldError,
  ForbiddenError,
  InvalidCursorError,
  NotFoundError,
  PreconditionFailedError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
} from '../../domain/errors.ts';

/** An error of the HTTP layer itself, with its status: the request, not the domain, is at fault. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly errorCode: string;
  readonly errors: FieldError[] | undefined;

  constructor(statusCode: number, errorCode: string, message: string, errors?: FieldError[]) {
    super(message);
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.errors = errors;
  }
}

/** A malformed parameter, header or body (400); `errors` name where, in the request. */
export class BadRequestError extends HttpError {
  constructor(message: string, errors?: FieldError[], errorCode = 'BAD_REQUEST') {
    super(400, errorCode, message, errors);
  }
}

/** A body over the configured limit (413). */
export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${limitBytes} bytes`);
  }
}

/** A body that does not match its route's schema (422); `errors` are paths in the request. */
export class RequestValidationError extends HttpError {
  constructor(errors: FieldError[], message = 'Request validation failed') {
    super(422, 'VALIDATION_ERROR', message, errors);
  }
}

/** Each kind of domain error, its status, and where in the request its fields are. */
const DOMAIN_ERRORS: readonly {
  kind: abstract new (...args: never[]) => DomainError;
  status: number;
  in?: string;
}[] = [
  { kind: UnauthorizedError, status: 401 },
  { kind: ForbiddenError, status: 403 },
  { kind: NotFoundError, status: 404 },
  { kind: InvalidCursorError, status: 400, in: 'query' },
  { kind: ConflictError, status: 409 },
  { kind: PreconditionFailedError, status: 412 },
  { kind: ValidationError, status: 422, in: 'body' },
  { kind: ServiceUnavailableError, status: 503 },
];

/** An error as the contract answers it: status, code, message, field errors, extra facts. */
export interface HttpFailure {
  statusCode: number;
  errorCode: string;
  message: string;
  errors?: FieldError[];
  extra?: Record<string, unknown>;
}

/** What the caller is told about `error`; undefined for an unexpected error (a 500, logged). */
export function httpFailureOf(error: unknown): HttpFailure | undefined {
  if (error instanceof HttpError) {
    return {
      statusCode: error.statusCode,
      errorCode: error.errorCode,
      message: error.message,
      ...(error.errors ? { errors: error.errors } : {}),
    };
  }
  if (!(error instanceof DomainError)) return undefined;
  const mapping = DOMAIN_ERRORS.find((m) => error instanceof m.kind);
  if (!mapping) return undefined;
  const prefix = mapping.in;
  return {
    statusCode: mapping.status,
    errorCode: error.errorCode,
    message: error.message,
    ...(error.errors
      ? { errors: error.errors.map((e) => (prefix ? { ...e, field: `${prefix}.${e.field}` } : e)) }
      : {}),
    ...(error.extra ? { extra: error.extra } : {}),
  };
}
