/**
 * Resource ids: a type prefix and a lower-cased ULID (`env_01jd8x…`), so ids are
 * unique without coordination, sort by creation time, and say what they identify.
 */
import { monotonicFactory } from 'ulid';

/** Monotonic: ids made in the same millisecond still sort in the order they were made (events of one change). */
const ulid = monotonicFactory();

export type IdPrefix = 'prj' | 'env' | 'op' | 'dep' | 'aud' | 'evt' | 'sa' | 'wh';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}

/** The current time as an ISO-8601 UTC string (the API's timestamp format). */
export function nowIso(): string {
  return new Date().toISOString();
}
