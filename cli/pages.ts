/**
 * `--limit N` of the list commands (decisions §40), like `gh … list --limit`: pages of the API
 * are followed through `next_cursor` until N items are read or none are left, and a note on
 * stderr says when more exist (so `-o json` stays a parseable array on stdout).
 */
import { InvalidArgumentError, Option } from 'commander';
import { note } from './output.ts';

export const DEFAULT_LIMIT = 50;
/** The API's largest page (`limit` ≤ 100 on every list route). */
const API_PAGE = 100;

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** The `--limit <n>` option: a positive integer, 50 by default (a bad value is exit code 2). */
export function limitOption(): Option {
  return new Option('--limit <n>', 'read at most this many (every page up to it)')
    .default(DEFAULT_LIMIT)
    .argParser((value: string) => {
      if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('a positive integer is expected.');
      return Number(value);
    });
}

/**
 * Reads up to `limit` items, page after page. Each page asks for one item more than still wanted,
 * so "more exist" is known without a count (an empty page with a cursor, as a filtered query can
 * answer, just moves on).
 */
export async function collect<T>(
  fetchPage: (query: { limit: number; cursor?: string }) => Promise<Page<T>>,
  limit: number,
): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const wanted = limit - items.length;
    const page = await fetchPage({ limit: Math.min(API_PAGE, wanted + 1), cursor });
    items.push(...page.items);
    if (items.length > limit) return { items: items.slice(0, limit), more: true };
    if (!page.next_cursor) return { items, more: false };
    cursor = page.next_cursor;
  }
}

/** The stderr note when a list stopped at its limit. */
export function noteMore(what: string, limit: number, more: boolean): void {
  if (more) note(`${what}: showing the first ${limit}; more exist (use --limit to see more)`);
}
