/**
 * Reads a run's live stream (GET /operations/{op_id}/stream or GET /deployments/{deployment_id}/
 * stream, Server-Sent Events, decisions §37) through the same typed client as every other call
 * (openapi-fetch's `parseAs: 'stream'` hands over the body unread, so the base URL and the token
 * are the client's), parsed by `eventsource-parser`. It yields each event until `end`, and
 * reconnects with `Last-Event-ID` when the server asks (`reconnect`, before its time limit) or
 * the connection drops: after `maxRetries` failed attempts in a row it gives up (exit code 1).
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { type Api, unwrap } from '../api/client.ts';
import { CliError, exitCodes } from '../errors.ts';
import type { Run } from './source.ts';

/** One event of the stream, its `data` parsed from JSON. */
export interface StreamEvent {
  id: string | undefined;
  type: string;
  data: Record<string, unknown>;
}

export interface StreamOptions {
  /** Attempts in a row that may fail (no event read) before giving up. */
  maxRetries?: number;
  /** The wait before a reconnect until the server sends its own (`retry:`). */
  retryMs?: number;
  /** Stops reading (the generator then returns). */
  signal?: AbortSignal;
}

/** The events of `run` from its start (or after `lastEventId`) to its `end`. */
export async function* runEvents(
  api: Api,
  run: Run,
  options: StreamOptions = {},
  lastEventId?: string,
): AsyncGenerator<StreamEvent> {
  const maxRetries = options.maxRetries ?? 5;
  let retryMs = options.retryMs ?? 1000;
  let lastId = lastEventId;
  let failures = 0;
  for (;;) {
    let read = 0;
    let cause = 'the connection closed before the run ended';
    try {
      const body = await open(api, run, lastId, options.signal);
      const events = body.pipeThrough(new TextDecoderStream()).pipeThrough(
        new EventSourceParserStream({
          onRetry: (ms) => {
            retryMs = ms;
          },
        }),
      );
      for await (const message of events) {
        if (message.event === 'reconnect') {
          cause = '';
          break;
        }
        read += 1;
        if (message.id) lastId = message.id;
        const event: StreamEvent = {
          id: message.id,
          type: message.event ?? 'message',
          data: parseData(message.data),
        };
        yield event;
        if (event.type === 'end') return;
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      // An answer the API refused (404, 401…) is final; only a dropped connection is retried.
      if (error instanceof CliError) throw error;
      cause = error instanceof Error ? error.message : String(error);
    }
    if (options.signal?.aborted) return;
    // A `reconnect` (or any attempt that read events) starts the count of failures again.
    failures = cause === '' || read > 0 ? 0 : failures + 1;
    if (failures > maxRetries) {
      throw new CliError(
        `Lost the stream of ${run.kind} ${run.id} after ${maxRetries} retries: ${cause}`,
        exitCodes.error,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs * Math.max(1, failures)));
  }
}

function parseData(data: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : { value: parsed };
  } catch {
    return { text: data };
  }
}

async function open(
  api: Api,
  run: Run,
  lastEventId: string | undefined,
  signal: AbortSignal | undefined,
): Promise<ReadableStream<Uint8Array>> {
  const header = lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId };
  const init = { parseAs: 'stream' as const, headers: { Accept: 'text/event-stream' }, signal };
  const answer =
    run.kind === 'operation'
      ? await api.GET('/operations/{op_id}/stream', {
          ...init,
          params: { path: { op_id: run.id }, header },
        })
      : await api.GET('/deployments/{deployment_id}/stream', {
          ...init,
          params: { path: { deployment_id: run.id }, header },
        });
  // A 5xx from a gateway is worth another try; any other error answer is final.
  if (answer.response.status >= 500) throw new Error(`HTTP ${answer.response.status}`);
  const body = unwrap(answer);
  if (!body) throw new Error('the stream had no body');
  return body;
}
