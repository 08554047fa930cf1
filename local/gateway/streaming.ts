/**
 * A streaming integration (API Gateway's `ResponseTransferMode.STREAM`, docs/decisions.md §37):
 * the handler's status and headers (`awslambda.HttpResponseStream.from`) start the answer, each
 * chunk it writes is sent as it comes, and the answer ends when the handler ends its stream. A
 * client that leaves destroys the handler's stream, so the handler stops (its `close` event).
 */
import type { ServerResponse } from 'node:http';
import { LocalResponseStream } from '../runtime/streaming.ts';
import type { Responder } from './responses.ts';

export interface PipeOptions {
  fail: Responder['fail'];
  /** Told the whole exchange once the stream ended (tests check it against the OpenAPI document). */
  exchanged: (status: number, headers: Record<string, string | string[]>, body: Buffer) => void;
  quiet: boolean;
  group: string;
}

/** Runs `invoke` with a fresh response stream and pipes what it writes to `res`. */
export async function pipeStream(
  res: ServerResponse,
  idHeaders: Record<string, string>,
  invoke: (stream: LocalResponseStream) => Promise<void>,
  options: PipeOptions,
): Promise<void> {
  const stream = new LocalResponseStream();
  const chunks: Buffer[] = [];
  const ended = new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
  res.once('close', () => {
    if (!res.writableFinished) stream.destroy();
  });
  const running = invoke(stream).then(
    () => ({ failed: false as const }),
    (error: unknown) => ({ failed: true as const, error }),
  );
  const first = await Promise.race([stream.metadata, running]);
  if (!('statusCode' in first)) {
    // The handler returned (or threw) without starting an answer.
    if (first.failed && !options.quiet) console.error(`[gateway] ${options.group} failed:`, first.error);
    stream.destroy();
    options.fail(502, 'INTERNAL_ERROR', 'Internal server error', 'InternalServerErrorException');
    return;
  }
  res.writeHead(first.statusCode, { ...first.headers, ...idHeaders });
  res.flushHeaders();
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    if (!res.destroyed) res.write(chunk);
  });
  const outcome = await running;
  if (outcome.failed && !options.quiet) console.error(`[gateway] ${options.group} failed:`, outcome.error);
  if (!stream.writableEnded && !stream.destroyed) stream.end();
  await ended;
  if (!res.destroyed) res.end();
  options.exchanged(first.statusCode, first.headers, Buffer.concat(chunks));
}
