/**
 * `route()` checks the keys of a route and of its `needs` (a generic parameter has no
 * excess-property check of its own). The `@ts-expect-error` lines are the test: `npm test`'s
 * type check fails when such a declaration stops being an error.
 */
import { describe, expect, it } from 'vitest';
import { route } from '../../../functions/api/route-types.ts';

const spec = {
  operationId: 'getShelf',
  method: 'GET',
  path: '/shelves',
  access: 'read',
  summary: 'A shelf',
  tag: 'meta',
  success: { status: 200, description: 'The shelf' },
} as const;

describe('route()', () => {
  it('keeps a route as declared, its needs included', () => {
    // Act
    const declared = route({ ...spec, needs: { table: 'read' } });

    // Assert
    expect(declared).toEqual({ ...spec, needs: { table: 'read' } });
  });

  it('refuses an unknown key in a route or in its needs, as a type error', () => {
    // Act: both calls compile only because of their @ts-expect-error.
    // @ts-expect-error `tabel` is not a need: the grant would be dropped without a word.
    const misspeltNeed = route({ ...spec, needs: { table: 'read', tabel: 'readwrite' } });
    // @ts-expect-error `etags` is not a property of a route.
    const misspeltProperty = route({ ...spec, etags: [200] });

    // Assert: at run time route() is the identity.
    expect(misspeltNeed.needs).toEqual({ table: 'read', tabel: 'readwrite' });
    expect(misspeltProperty.etags).toEqual([200]);
  });
});
