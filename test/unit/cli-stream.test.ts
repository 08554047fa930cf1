/**
 * envctl's stream reader (`cli/watch/stream.ts`) against a scripted Server-Sent Events server on
 * loopback: it carries the client's token, resumes with Last-Event-ID after a `reconnect` event
 * or a dropped connection, gives up (exit 1) after its retries, and does not retry a 404 (exit 4).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticatedClient } from '../../cli/api/client.ts';
import { CliError } from '../../cli/errors.ts';
import { runEvents, type StreamEvent } from '../../cli/watch/stream.ts';

type Script = (response: ServerResponse, request: IncomingMessage, attempt: number) => void;

let server: Server | undefined;
afterEach(() => server?.close());

/** A server answering the stream route with `script` (attempt 1, 2…), and what it was asked. */
async function serve(script: Script) {
  const requests: { path: string; authorization: string | undefined; lastEventId: string | undefined }[] = [];
  server = createServer((request, response) => {
    requests.push({
      path: String(request.url),
      authorization: request.headers.authorization,
      lastEventId: request.headers['last-event-id'] as string | undefined,
    });
    script(response, request, requests.length);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const api = await authenticatedClient({
    apiUrl: `http://127.0.0.1:${port}/v1`,
    token: 'tok',
    output: 'text',
  });
  return { api, requests };
}

const sse = (response: ServerResponse) =>
  response.writeHead(200, { 'content-type': 'text/event-stream' }).write('retry: 5\n\n');
const event = (id: string, type: string, data: object) =>
  `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

async function collect(events: AsyncGenerator<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
}

const run = { kind: 'operation', id: 'op_1' } as const;

describe('the stream reader', () => {
  it('reads events with the token and resumes after a reconnect event with Last-Event-ID', async () => {
    // Arrange
    const { api, requests } = await serve((response, _request, attempt) => {
      sse(response);
      if (attempt === 1) {
        response.write(': keep-alive\n\n');
        response.write(event('a1', 'operation.started', { kind: 'provision' }));
        response.write(event('a2', 'stack.started', { stack: 'network' }));
        response.end('event: reconnect\ndata: {"retry_ms":5}\n\n');
      } else {
        response.write(event('a3', 'stack.finished', { stack: 'network' }));
        response.end(event('a3.z', 'end', { status: 'succeeded' }));
      }
    });

    // Act
    const events = await collect(runEvents(api, run));

    // Assert
    expect(events).toEqual([
      { id: 'a1', type: 'operation.started', data: { kind: 'provision' } },
      { id: 'a2', type: 'stack.started', data: { stack: 'network' } },
      { id: 'a3', type: 'stack.finished', data: { stack: 'network' } },
      { id: 'a3.z', type: 'end', data: { status: 'succeeded' } },
    ]);
    expect(requests).toEqual([
      { path: '/v1/operations/op_1/stream', authorization: 'Bearer tok', lastEventId: undefined },
      { path: '/v1/operations/op_1/stream', authorization: 'Bearer tok', lastEventId: 'a2' },
    ]);
  });

  it('resumes after a dropped connection (no end, no reconnect) from the last id it read', async () => {
    // Arrange
    const { api, requests } = await serve((response, _request, attempt) => {
      sse(response);
      if (attempt === 1) {
        response.write(event('b1', 'log', { line: { message: 'one' } }));
        setTimeout(() => response.destroy(), 20);
      } else response.end(event('b1.z', 'end', { status: 'failed' }));
    });

    // Act
    const events = await collect(runEvents(api, run));

    // Assert
    expect(events.map((e) => e.id)).toEqual(['b1', 'b1.z']);
    expect(requests.map((r) => r.lastEventId)).toEqual([undefined, 'b1']);
  });

  it('gives up with exit code 1 after its retries when no attempt reads an event', async () => {
    // Arrange
    const { api, requests } = await serve((response) => {
      sse(response);
      response.end();
    });

    // Act
    const reading = collect(runEvents(api, run, { maxRetries: 2, retryMs: 5 }));

    // Assert
    await expect(reading).rejects.toEqual(
      new CliError(
        'Lost the stream of operation op_1 after 2 retries: the connection closed before the run ended',
      ),
    );
    await expect(reading.catch((e: CliError) => e.exitCode)).resolves.toBe(1);
    expect(requests).toHaveLength(3);
  });

  it('does not retry an error answer: a 404 is exit code 4 at once', async () => {
    // Arrange
    const { api, requests } = await serve((response) => {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ detail: 'Operation op_1 not found', error_code: 'NOT_FOUND' }));
    });

    // Act
    const error = await collect(runEvents(api, run)).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ message: 'Operation op_1 not found (NOT_FOUND)', exitCode: 4 });
    expect(requests).toHaveLength(1);
  });
});
