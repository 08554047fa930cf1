/**
 * Domain errors. Each carries the HTTP status and the stable `error_code` of the
 * contract (DESIGN.md §4), so the HTTP layer can shape any of them without knowing
 * where they came from. Messages are written for API users: they never contain
 * internals (stack traces, table names, SDK messages).
 */

/** One field-level problem, as listed in a 400/422 response's `errors`. */
export interface FieldError {
  /** Dotted path to the offending field, e.g. `body.parameters.storage_gb`. */
  field: string;
  message: string;
}

/** Base class: an error that is safe to show to the caller. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly errorCode: string;
  readonly errors: FieldError[] | undefined;
  /** Extra, caller-safe fields merged into the error body (e.g. the running operation id). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    statusCode: number,
    errorCode: string,
    message: string,
    options: { errors?: FieldError[]; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.errors = options.errors;
    this.extra = options.extra;
  }
}

export class BadRequestError extends ApiError {
  constructor(message: string, errors?: FieldError[], errorCode = 'BAD_REQUEST') {
    super(400, errorCode, message, { errors });
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message = 'Missing or invalid credentials') {
    super(401, 'UNAUTHORIZED', message);
  }
}

export class ForbiddenError extends ApiError {
  constructor(message = 'Your role does not allow this action') {
    super(403, 'FORBIDDEN', message);
  }
}

export class NotFoundError extends ApiError {
  constructor(resource: string, id: string) {
    super(404, 'NOT_FOUND', `${resource} not found: ${id}`);
  }
}

export class ConflictError extends ApiError {
  constructor(message: string, errorCode = 'CONFLICT', extra?: Record<string, unknown>) {
    super(409, errorCode, message, { extra });
  }
}

/** The 409 of a second live environment with the same name in a project (create and its plan). */
export function duplicateName(projectId: string, name: string): [string, string] {
  return [`Project ${projectId} already has a live environment named '${name}'`, 'DUPLICATE_NAME'];
}

export class PreconditionFailedError extends ApiError {
  constructor(message: string) {
    super(412, 'PRECONDITION_FAILED', message);
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${limitBytes} bytes`);
  }
}

export class ValidationError extends ApiError {
  constructor(errors: FieldError[], message = 'Request validation failed') {
    super(422, 'VALIDATION_ERROR', message, { errors });
  }
}

export class ServiceUnavailableError extends ApiError {
  constructor(
    message = 'The service is temporarily unavailable, please retry',
    options: { cause?: unknown; extra?: Record<string, unknown> } = {},
  ) {
    super(503, 'SERVICE_UNAVAILABLE', message, options);
  }
}

/** A dependency graph that cannot be layered because it has a cycle. */
export class DependencyCycleError extends Error {
  readonly cycle: string[];
  constructor(cycle: string[]) {
    super(`Dependency cycle: ${cycle.join(' → ')}`);
    this.name = 'DependencyCycleError';
    this.cycle = cycle;
  }
}

/** A dependency graph that names stacks it does not contain. */
export class MissingDependencyError extends Error {
  readonly missing: { stack: string; dependency: string }[];
  constructor(missing: { stack: string; dependency: string }[]) {
    super(`Unknown dependencies: ${missing.map((m) => `${m.stack} → ${m.dependency}`).join(', ')}`);
    this.name = 'MissingDependencyError';
    this.missing = missing;
  }
}

/**
 * A workflow step found a record no longer owned by its operation (another operation
 * took over, or the record moved on). Thrown by steps so the state machine's Catch
 * settles the operation instead of overwriting newer state.
 */
export class StaleOperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaleOperationError';
  }
}

/**
 * A write collided with a concurrent one (a DynamoDB transaction conflict or throttling)
 * and did not happen. Safe to retry: the API answers 503 so clients retry, and the state
 * machines retry steps that throw it, with backoff and jitter.
 */
export class TransientStoreError extends ApiError {
  constructor() {
    super(503, 'SERVICE_UNAVAILABLE', 'The request collided with a concurrent change; please retry');
  }
}
