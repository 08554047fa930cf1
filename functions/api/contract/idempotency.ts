/**
 * The `Idempotency-Key` contract (docs/decisions.md §34): the names and limits the HTTP stack
 * (`http/idempotency.ts`) enforces and the OpenAPI document (`http/openapi.ts`) describes.
 * Plain constants, so the document's function does not carry Powertools.
 */

/** The request header (as clients send it; the HTTP stack reads it lower-cased). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** The header of a replayed answer (Stripe's name), always `true`. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** How long a stored answer is replayed: 24 h. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
