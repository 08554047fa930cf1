/**
 * A small seeded pseudo-random generator for the simulation.
 *
 * Simulated ids must be reproducible from a seed (the environment id, the stack, the
 * attempt), so `Math.random` is out, and a dependency is not worth it for ~10 lines:
 * the seed string is hashed with SHA-256 (node:crypto, available in Lambda without any
 * SDK) into 128 bits that seed sfc32 (Chris Doty-Humphrey's "Small Fast Counting"
 * generator, passes PractRand, 32-bit integer arithmetic only). This is NOT a
 * cryptographic generator and must never be used for secrets or tokens.
 */
import { createHash } from 'node:crypto';

export const HEX = '0123456789abcdef';
export const DIGITS = '0123456789';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The alphabet of IAM unique ids (AROA…, AIPA…). */
export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** `length` characters drawn from `alphabet`. */
  string(alphabet: string, length: number): string;
  /** `length` lowercase hex digits. */
  hex(length: number): string;
  /** A random (version 4) UUID. */
  uuid(): string;
}

function sfc32(a0: number, b0: number, c0: number, d0: number): () => number {
  let a = a0 | 0;
  let b = b0 | 0;
  let c = c0 | 0;
  let d = d0 | 0;
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A generator whose whole sequence is determined by `seed`. */
export function createRng(seed: string): Rng {
  const digest = createHash('sha256').update(seed, 'utf8').digest();
  const next = sfc32(
    digest.readUInt32BE(0),
    digest.readUInt32BE(4),
    digest.readUInt32BE(8),
    digest.readUInt32BE(12),
  );
  const int = (min: number, max: number): number => {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`invalid integer range [${min}, ${max}]`);
    }
    return min + Math.floor(next() * (max - min + 1));
  };
  const string = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet.charAt(int(0, alphabet.length - 1));
    return out;
  };
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    string,
    hex: (length) => string(HEX, length),
    uuid() {
      const h = string(HEX, 32);
      const variant = '89ab'.charAt(int(0, 3));
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}

/** The first `length` (≤ 64) hex digits of the SHA-256 of `input`: a stable short hash. */
export function hashHex(input: string, length: number): string {
  return createHash('sha256').update(input, 'utf8').digest('hex').slice(0, length);
}
