import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, hashHex, LOWER_ALNUM } from '../../../functions/domain/random.ts';

describe('createRng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const draw = (seed: string) => {
      const rng = createRng(seed);
      return [rng.hex(17), rng.uuid(), rng.int(1, 1000), rng.string(LOWER_ALNUM, 26)];
    };

    expect(draw('env_1|network|1')).toEqual(draw('env_1|network|1'));
    expect(draw('env_1|network|1')).not.toEqual(draw('env_1|network|2'));
  });

  it('property: integers stay within their inclusive range', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: -1000, max: 1000 }),
        fc.nat({ max: 1000 }),
        (seed, min, width) => {
          const rng = createRng(seed);
          for (let i = 0; i < 20; i++) {
            const value = rng.int(min, min + width);
            expect(Number.isInteger(value)).toBe(true);
            expect(value).toBeGreaterThanOrEqual(min);
            expect(value).toBeLessThanOrEqual(min + width);
          }
        },
      ),
    );
  });

  it('draws strings from the given alphabet, and version 4 UUIDs', () => {
    const rng = createRng('seed');

    expect(rng.string('AB', 50)).toMatch(/^[AB]{50}$/);
    expect(rng.hex(17)).toMatch(/^[0-9a-f]{17}$/);
    expect(rng.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('rejects an empty pick and an inverted range', () => {
    const rng = createRng('seed');

    expect(() => rng.pick([])).toThrow(RangeError);
    expect(() => rng.int(2, 1)).toThrow(RangeError);
  });
});

describe('hashHex', () => {
  it('gives a stable prefix of the SHA-256', () => {
    expect(hashHex('abc', 8)).toBe('ba7816bf');
  });
});
