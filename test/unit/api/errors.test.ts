/**
 * The one mapping from errors to HTTP answers: every kind of domain error gets its status,
 * its code and message unchanged, and its field paths moved into the request.
 */
import { describe, expect, it } from 'vitest';
import { BadRequestError, httpFailureOf } from '../../../functions/api/http/errors.ts';
import {
  ConflictError,
  ForbiddenError,
  InvalidCursorError,
  NotFoundError,
  PreconditionFailedError,
  ServiceUnavailableError,
  TransientStoreError,
  UnauthorizedError,
  ValidationError,
} from '../../../functions/domain/errors.ts';

describe('httpFailureOf', () => {
  it.each([
    [new UnauthorizedError(), 401, 'UNAUTHORIZED'],
    [new ForbiddenError(), 403, 'FORBIDDEN'],
    [new NotFoundError('Environment', 'env_x'), 404, 'NOT_FOUND'],
    [
      new ConflictError('busy', 'OPERATION_IN_PROGRESS', { operation_id: 'op_x' }),
      409,
      'OPERATION_IN_PROGRESS',
    ],
    [new PreconditionFailedError('version 3 is not 4'), 412, 'PRECONDITION_FAILED'],
    [new ServiceUnavailableError(), 503, 'SERVICE_UNAVAILABLE'],
    [new TransientStoreError(), 503, 'SERVICE_UNAVAILABLE'],
  ])('answers %o with %i %s', (error, status, code) => {
    // Act
    const failure = httpFailureOf(error);
    // Assert
    expect(failure).toMatchObject({ statusCode: status, errorCode: code, message: error.message });
  });

  it('keeps a conflict’s facts (the running operation) for the error body', () => {
    expect(
      httpFailureOf(new ConflictError('busy', 'OPERATION_IN_PROGRESS', { operation_id: 'op_x' })),
    ).toEqual({
      statusCode: 409,
      errorCode: 'OPERATION_IN_PROGRESS',
      message: 'busy',
      extra: { operation_id: 'op_x' },
    });
  });

  it('puts the domain’s input fields in the body, and a cursor in the query', () => {
    expect(httpFailureOf(new ValidationError([{ field: 'ttl_hours', message: 'too long' }]))).toEqual({
      statusCode: 422,
      errorCode: 'VALIDATION_ERROR',
      message: 'Request validation failed',
      errors: [{ field: 'body.ttl_hours', message: 'too long' }],
    });
    expect(httpFailureOf(new InvalidCursorError())).toEqual({
      statusCode: 400,
      errorCode: 'INVALID_CURSOR',
      message: 'Invalid cursor',
      errors: [{ field: 'query.cursor', message: 'not a cursor returned by this list' }],
    });
  });

  it('answers the HTTP layer’s own errors with their status, and nothing for an unexpected error', () => {
    expect(httpFailureOf(new BadRequestError('Malformed JSON body', undefined, 'MALFORMED_JSON'))).toEqual({
      statusCode: 400,
      errorCode: 'MALFORMED_JSON',
      message: 'Malformed JSON body',
    });
    expect(httpFailureOf(new TypeError('x is undefined'))).toBeUndefined();
  });
});
