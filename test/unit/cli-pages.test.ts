/** envctl's `--limit`: pages followed through `next_cursor` until the limit, and whether more exist. */
import { describe, expect, it } from 'vitest';
import { collect, type Page } from '../../cli/pages.ts';

/** A list route over `total` numbered items, answering at most `limit` per page (and recording the asks). */
function fakeRoute(total: number, options: { emptyPageAt?: number } = {}) {
  const asked: { limit: number; cursor?: string }[] = [];
  const fetchPage = async (query: { limit: number; cursor?: string }): Promise<Page<number>> => {
    asked.push(query);
    const from = Number(query.cursor ?? 0);
    if (options.emptyPageAt === from && !query.cursor?.endsWith('.')) {
      // A filtered query can answer an empty page that still has a cursor.
      return { items: [], next_cursor: `${from}.` };
    }
    const start = Number.parseInt(query.cursor ?? '0', 10);
    const items = Array.from({ length: Math.min(query.limit, total - start) }, (_, i) => start + i);
    const next = start + items.length;
    return { items, next_cursor: next < total ? String(next) : null };
  };
  return { asked, fetchPage };
}

describe('collect', () => {
  it('stops at the limit and knows more exist from one extra item', async () => {
    const route = fakeRoute(60);
    const result = await collect(route.fetchPage, 50);
    expect(result).toEqual({ items: Array.from({ length: 50 }, (_, i) => i), more: true });
    expect(route.asked).toEqual([{ limit: 51, cursor: undefined }]);
  });

  it('reads every page below the limit and says nothing more exists', async () => {
    const route = fakeRoute(150);
    const result = await collect(route.fetchPage, 200);
    expect(result.items).toHaveLength(150);
    expect(result.more).toBe(false);
    expect(route.asked).toEqual([
      { limit: 100, cursor: undefined },
      { limit: 100, cursor: '100' },
    ]);
  });

  it('asks for one more item when exactly the limit was read with a cursor left', async () => {
    const exact = fakeRoute(100);
    expect(await collect(exact.fetchPage, 100)).toEqual({
      items: Array.from({ length: 100 }, (_, i) => i),
      more: false,
    });
    expect(exact.asked).toEqual([{ limit: 100, cursor: undefined }]);
    const over = fakeRoute(101);
    expect((await collect(over.fetchPage, 100)).more).toBe(true);
    expect(over.asked).toEqual([
      { limit: 100, cursor: undefined },
      { limit: 1, cursor: '100' },
    ]);
  });

  it('moves on past an empty page that still has a cursor', async () => {
    const route = fakeRoute(3, { emptyPageAt: 0 });
    expect(await collect(route.fetchPage, 50)).toEqual({ items: [0, 1, 2], more: false });
    expect(route.asked).toHaveLength(2);
  });
});
