/**
 * The HTTP stack of a streaming route (docs/decisions.md §37): the Lambda function streams its
 * answer (API Gateway's `ResponseTransferMode.STREAM`, the handler wrapped with the runtime's
 * `awslambda.streamifyResponse`). Everything before the first byte is the ordinary stack
 * (`httpRoute`: limits, identity, parsing, the 404 of a run that is missing or not yours), so an
 * error is the usual JSON error answer; only a run the caller may see is streamed, as
 * Server-Sent Events, until it ends or the stream's time is up.
 */
import type { Writable } from 'node:stream';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, StreamifyHandler } from 'aws-lambda';
import { reconnectEvent, resumePoint } from '../../domain/run-events.ts';
import {
  type OpenRun,
  pollRun,
  type RunStreamDeps,
  type StreamCursor,
} from '../../domain/use-cases/run-stream.ts';
import type { RouteDefinition } from '../route-types.ts';
import { type HttpRequest, httpRoute } from './http.ts';
import { formatSseEvent, formatSseRetry, SSE_KEEP_ALIVE } from './sse.ts';

/**
 * A streaming handler as the Lambda runtime calls it. `awslambda` is the Node.js runtime's global
 * (typed by @types/aws-lambda); locally `local/runtime/streaming.ts` provides it before any
 * handler is loaded.
 */
export type StreamingHandler = StreamifyHandler<APIGatewayProxyEvent, void>;

/** How a stream paces itself. */
export interface StreamTiming {
  /** Between two polls of the table when nothing new was found. */
  pollMs: number;
  /** A `: keep-alive` comment after this long without a write. */
  keepAliveMs: number;
  /** The stream closes (with a `reconnect` event) after this long: a function's time is bounded. */
  maxMs: number;
  /** The `retry:` the client waits before reconnecting. */
  retryMs: number;
}

export const STREAM_TIMING: StreamTiming = {
  pollMs: 500,
  keepAliveMs: 20_000,
  maxMs: 14 * 60_000,
  retryMs: 1_000,
};

function requestIdOf(event: APIGatewayProxyEvent, context: Context): string {
  return event.requestContext?.requestId ?? context.awsRequestId ?? 'unknown';
}

/** Writes the events of `run` to `out` until it ended, the client left, or the time is up. */
export async function streamRun(
  deps: RunStreamDeps,
  run: OpenRun,
  lastEventId: string | undefined,
  out: Writable,
  timing: StreamTiming = STREAM_TIMING,
): Promise<void> {
  let gone = out.destroyed || out.writableEnded;
  let wake: (() => void) | undefined;
  const onClose = () => {
    gone = true;
    wake?.();
  };
  out.once('close', onClose);
  const resume = resumePoint(lastEventId);
  let cursor: StreamCursor = {
    lastLogId: resume?.afterLogId,
    lastProgress: undefined,
    ended: resume?.ended ?? false,
  };
  const started = Date.now();
  let lastWrite = started;
  const write = (text: string) => {
    if (!gone) out.write(text);
    lastWrite = Date.now();
  };
  try {
    write(formatSseRetry(timing.retryMs));
    while (!gone && !cursor.ended) {
      const polled = await pollRun(deps, run, cursor);
      cursor = polled.cursor;
      for (const event of polled.events) write(formatSseEvent(event));
      if (cursor.ended || gone) break;
      if (Date.now() - started >= timing.maxMs) {
        write(formatSseEvent(reconnectEvent(timing.retryMs)));
        break;
      }
      if (polled.more) continue;
      if (Date.now() - lastWrite >= timing.keepAliveMs) write(SSE_KEEP_ALIVE);
      // Sleeps until the next poll, or until the client leaves (then polling stops).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timing.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    out.off('close', onClose);
    if (!out.writableEnded && !out.destroyed) out.end();
  }
}

/**
 * The streaming handler of a route: `open` checks the request like any handler (and throws the
 * domain's errors: 404…), then the run is streamed. Wrapped with `awslambda.streamifyResponse`.
 */
export function streamRoute<R extends RouteDefinition & { access: 'read' }>(
  route: R,
  deps: RunStreamDeps,
  open: (request: HttpRequest<R>) => Promise<OpenRun>,
): StreamingHandler {
  // The ordinary stack answers the checks; what it opened is handed over by request id.
  const opened = new Map<string, { run: OpenRun; lastEventId: string | undefined }>();
  const check = httpRoute(route, async (request) => {
    opened.set(request.requestId, {
      run: await open(request),
      lastEventId: request.headers['last-event-id'],
    });
    return { statusCode: 200, body: {} };
  });
  return awslambda.streamifyResponse(async (event, responseStream, context) => {
    const requestId = requestIdOf(event, context);
    const answer: APIGatewayProxyResult = await check(event, context);
    const run = opened.get(requestId);
    opened.delete(requestId);
    if (answer.statusCode !== 200 || !run) {
      const out = awslambda.HttpResponseStream.from(responseStream, {
        statusCode: answer.statusCode,
        headers: Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k, String(v)])),
      });
      out.end(answer.body);
      return;
    }
    const out = awslambda.HttpResponseStream.from(responseStream, {
      statusCode: 200,
      headers: {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-request-id': requestId,
      },
    });
    await streamRun(deps, run.run, run.lastEventId, out);
  });
}
