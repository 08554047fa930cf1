/**
 * Small networking helpers shared by the local stand-ins: free ports, listening and
 * closing servers, reading bounded request bodies.
 */
import type { IncomingMessage, Server } from 'node:http';
import { createServer } from 'node:net';

/** Loopback address every stand-in binds to: nothing local mode serves should be reachable from the network. */
export const LOOPBACK = '127.0.0.1';

/**
 * Asks the kernel for a free TCP port on the loopback interface. The port is released before
 * it is returned, so another process could take it first; callers that spawn a child on it
 * (DynamoDB Local) retry with a new port when the child fails to bind.
 */
export async function freePort(host: string = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        probe.close();
        reject(new Error('Could not determine a free port'));
        return;
      }
      const { port } = address;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `server` on `port` (0 = ephemeral) and resolves with the port actually bound. */
export async function listen(server: Server, port: number, host: string = LOOPBACK): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('Server is not listening on a TCP port');
  }
  return address.port;
}

/**
 * Closes `server` and drops its open connections. Keep-alive sockets (the AWS SDK keeps
 * them) would otherwise hold `close()` open until they time out.
 */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) {
    return;
  }
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Thrown by {@link readBody} when the body is larger than allowed. */
export class BodyTooLargeError extends Error {
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`Request body exceeds ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/**
 * Reads a request body, refusing it once it grows past `limitBytes` (checked against
 * Content-Length first, then while streaming, so a huge upload is not buffered).
 */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    // Drain and discard, so the socket stays usable for the 413 answer.
    req.resume();
    throw new BodyTooLargeError(limitBytes);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        // Stop buffering but keep draining (not destroying) the request: the caller still
        // has to write the 413 on this socket.
        req.off('data', onData);
        req.off('end', onEnd);
        req.resume();
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}
