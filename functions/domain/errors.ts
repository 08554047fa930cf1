/**
 * Domain errors: what went wrong, in the domain's terms, with a stable `errorCode`
 * (DESIGN.md §4) and a message written for API users (never internals: no stack traces,
 * table names or SDK messages). They know nothing of HTTP: `functions/api/http/errors.ts`
 * is the one place that maps each kind to a status code and the error shape.
 */

/** One field-level problem. `field` is a dotted path in the input, e.g. `parameters.storage_gb`. */
export interface FieldError {
  field: string;
  message: string;
}

/** Base class: an error that is safe to show to the caller, by kind (its class). */
export class DomainError extends Error {
  readonly errorCode: string;
  readonly errors: FieldError[] | undefined;
  /** Extra, caller-safe facts about the error (e.g. the running operation id). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    errorCode: string,
    message: string,
    options: { errors?: FieldError[]; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errorCode = errorCode;
    this.errors = options.errors;
    this.extra = options.extra;
  }
}

/** The caller could not be identified (no verified identity, or not an ID token). */
export class UnauthorizedError extends DomainError {
  constructor(message = 'Missing or invalid credentials') {
    super('UNAUTHORIZED', message);
  }
}

/** The caller may see the resource but their role does not allow the action. */
export class ForbiddenError extends DomainError {
  constructor(message = 'Your role does not allow this action') {
    super('FORBIDDEN', message);
  }
}

/** No such resource, or not one the caller may see (the two are not told apart). */
export class NotFoundError extends DomainError {
  constructor(resource: string, id: string) {
    super('NOT_FOUND', `${resource} not found: ${id}`);
  }
}

/** A pagination cursor that was not handed out for this list (forged, or for another list). */
export class InvalidCursorError extends DomainError {
  constructor(message = 'Invalid cursor') {
    super('INVALID_CURSOR', message, {
      errors: [{ field: 'cursor', message: 'not a cursor returned by this list' }],
    });
  }
}

/** The change conflicts with the resource's state (illegal transition, name taken, quota, a run in progress). */
export class ConflictError extends DomainError {
  constructor(message: string, errorCode = 'CONFLICT', extra?: Record<string, unknown>) {
    super(errorCode, message, { extra });
  }
}

/** The 409 of a second live environment with the same name in a project (create and its plan). */
export function duplicateName(projectId: string, name: string): [string, string] {
  return [`Project ${projectId} already has a live environment named '${name}'`, 'DUPLICATE_NAME'];
}

/** The caller's expected version of the resource is not the current one (`If-Match`). */
export class PreconditionFailedError extends DomainError {
  constructor(message: string) {
    super('PRECONDITION_FAILED', message);
  }
}

/** The input is well-formed but not acceptable; `errors` name its fields (paths in the input). */
export class ValidationError extends DomainError {
  constructor(errors: FieldError[], message = 'Request validation failed') {
    super('VALIDATION_ERROR', message, { errors });
  }
}

/** A dependency (the workflow engine, the identity provider…) is unavailable; trying again may work. */
export class ServiceUnavailableError extends DomainError {
  constructor(
    message = 'The service is temporarily unavailable, please retry',
    options: { cause?: unknown; extra?: Record<string, unknown> } = {},
  ) {
    super('SERVICE_UNAVAILABLE', message, options);
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
export class TransientStoreError extends ServiceUnavailableError {
  constructor() {
    super('The request collided with a concurrent change; please retry');
  }
}
