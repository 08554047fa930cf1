/**
 * Follows a run's live stream (GET /operations/{id}/stream, docs/decisions.md §37). A browser's
 * EventSource cannot send the Authorization header, so the stream is read with fetch and
 * parsed with eventsource-parser. When the connection drops (or the server says `reconnect`),
 * it reconnects with `Last-Event-ID`, so no line is lost or repeated; it stops after `end`.
 */
import { createParser } from 'eventsource-parser';
import { freshToken, refreshSession } from './session.ts';

export interface StreamEvent {
  id: string | undefined;
  type: string;
  data: Record<string, unknown>;
}

export interface FollowOptions {
  /** e.g. `/v1/operations/op_1/stream`. */
  url: string;
  onEvent: (event: StreamEvent) => void;
  /** Told when the stream is (re)connected or waiting to reconnect. */
  onState?: (state: 'open' | 'reconnecting' | 'ended' | 'failed') => void;
  signal: AbortSignal;
}

const RETRY_MS = 1000;

export async function followRun({ url, onEvent, onState, signal }: FollowOptions): Promise<void> {
  let lastId: string | undefined;
  let ended = false;
  let retryMs = RETRY_MS;
  let failures = 0;
  while (!ended && !signal.aborted) {
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      const token = await freshToken();
      if (token) headers.authorization = `Bearer ${token}`;
      if (lastId) headers['last-event-id'] = lastId;
      const response = await fetch(url, { headers, signal });
      if (response.status === 401 && (await refreshSession())) continue;
      if (!response.ok || !response.body) {
        onState?.('failed');
        return;
      }
      onState?.('open');
      failures = 0;
      const parser = createParser({
        onEvent(message) {
          if (message.id) lastId = message.id;
          const data = message.data ? (JSON.parse(message.data) as Record<string, unknown>) : {};
          if (message.event === 'reconnect' && typeof data.retry_ms === 'number') retryMs = data.retry_ms;
          if (message.event === 'end') ended = true;
          onEvent({ id: message.id, type: message.event ?? 'message', data });
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch (error) {
      if (signal.aborted) return;
      failures += 1;
      if (failures > 20) {
        onState?.('failed');
        throw error;
      }
    }
    if (ended || signal.aborted) break;
    onState?.('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, retryMs));
    retryMs = RETRY_MS;
  }
  if (ended) onState?.('ended');
}
