/**
 * Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * hand-written because it is three lines of text per event and no library is needed for it.
 */
import type { RunEvent } from '../../domain/run-events.ts';

/** One event: `id:` (omitted when empty), `event:`, one `data:` line of JSON, a blank line. */
export function formatSseEvent(event: RunEvent): string {
  const id = event.id === '' ? '' : `id: ${event.id}\n`;
  // JSON.stringify escapes newlines, so the data is always a single `data:` line.
  return `${id}event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** A comment line that keeps idle connections (and proxies) open. */
export const SSE_KEEP_ALIVE = ': keep-alive\n\n';

/** Tells the client how long to wait before reconnecting (milliseconds). */
export function formatSseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

/**
 * Parses a stream's text into events (the tests' and clients' side of the framing): comments
 * and `retry:` lines are skipped, `data:` lines are joined with newlines.
 */
export function parseSse(text: string): { id: string | undefined; event: string; data: string }[] {
  const events: { id: string | undefined; event: string; data: string }[] = [];
  for (const block of text.split(/\n\n/)) {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ id, event, data: data.join('\n') });
  }
  return events;
}
