/**
 * A stand-in for the Lambda Node.js runtime's `awslambda` global (response streaming), so a
 * streaming handler (`awslambda.streamifyResponse`, `awslambda.HttpResponseStream.from`) runs
 * locally unchanged (docs/decisions.md §37). As in the runtime, `streamifyResponse` marks the
 * handler (the same symbol) and `HttpResponseStream.from` sets the HTTP status and headers before
 * the first byte: here it hands them to the {@link LocalResponseStream} the gateway pipes to the
 * client, instead of writing the runtime's JSON prelude.
 */
import { PassThrough, type Writable } from 'node:stream';

/** The runtime's mark on a streaming handler. */
export const STREAMING_HANDLER = Symbol.for('aws.lambda.runtime.handler.streaming');

/** What `HttpResponseStream.from` was given. */
export interface LocalResponseMetadata {
  statusCode: number;
  headers: Record<string, string>;
}

/** The response stream the local gateway gives a streaming handler. */
export class LocalResponseStream extends PassThrough {
  private metadataSet = false;
  /** Resolves with the status and headers once the handler set them. */
  readonly metadata: Promise<LocalResponseMetadata>;
  private resolveMetadata: (metadata: LocalResponseMetadata) => void = () => {};

  constructor() {
    super();
    this.metadata = new Promise((resolve) => {
      this.resolveMetadata = resolve;
    });
  }

  setMetadata(metadata: Record<string, unknown>): void {
    if (this.metadataSet) throw new Error('HttpResponseStream.from was called twice on one stream');
    this.metadataSet = true;
    const headers = (metadata.headers ?? {}) as Record<string, unknown>;
    this.resolveMetadata({
      statusCode: typeof metadata.statusCode === 'number' ? metadata.statusCode : 200,
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)])),
    });
  }

  /** The runtime's method (a content type for the whole stream); metadata carries it here. */
  setContentType(_contentType: string): void {}
}

type Marked = ((...args: unknown[]) => unknown) & { [STREAMING_HANDLER]?: string };

/** Whether a handler was wrapped with `awslambda.streamifyResponse`. */
export function isStreamingHandler(handler: unknown): boolean {
  return typeof handler === 'function' && (handler as Marked)[STREAMING_HANDLER] === 'response';
}

/**
 * Adds the streaming members to `globalThis.awslambda` (before any handler module is imported).
 * The object may exist already (the runtime's invoke store lives on it too): it is extended.
 */
export function installAwsLambdaGlobal(): void {
  const global = globalThis as unknown as { awslambda?: Record<string, unknown> };
  const existing = global.awslambda ?? {};
  if (typeof existing.streamifyResponse === 'function') return;
  global.awslambda = Object.assign(existing, {
    streamifyResponse<T extends (...args: never[]) => unknown>(handler: T): T {
      (handler as unknown as Marked)[STREAMING_HANDLER] = 'response';
      return handler;
    },
    HttpResponseStream: {
      from(stream: Writable, metadata: Record<string, unknown>): Writable {
        if (!(stream instanceof LocalResponseStream)) {
          throw new Error('HttpResponseStream.from: not a local response stream');
        }
        stream.setMetadata(metadata);
        return stream;
      },
    },
  });
}
