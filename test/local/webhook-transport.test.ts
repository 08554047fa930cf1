/**
 * The webhook sender's HTTP adapter against a loopback receiver (docs/decisions.md §45): the
 * connection goes to the address the target rules checked, never to a fresh DNS answer; a
 * redirect is an answer, not followed; `Retry-After` is read; a silent receiver is a timeout.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PinnedWebhookTransport } from '../../functions/app/webhook-adapters.ts';

interface Received {
  method: string | undefined;
  host: string | undefined;
  signature: string | undefined;
  body: string;
}

let server: Server | undefined;

async function receiver(
  answer: (response: ServerResponse) => void,
): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        host: request.headers.host,
        signature: request.headers['webhook-signature'] as string | undefined,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const transport = new PinnedWebhookTransport();
const headers = { 'content-type': 'application/json', 'webhook-signature': 'v1,c2lnbmVk' };

describe('PinnedWebhookTransport', () => {
  it('connects to the checked address, whatever the name resolves to, with the name as Host', async () => {
    // Arrange: `.invalid` never resolves (RFC 6761), so only the pinned address can be reached.
    const { port, received } = await receiver((response) => response.writeHead(204).end());
    // Act
    const answer = await transport.post(
      `http://hooks.example.invalid:${port}/receive`,
      headers,
      '{"type":"webhook.ping"}',
      5_000,
      ['127.0.0.1'],
    );
    // Assert
    expect(answer).toEqual({ status: 204, error: null, retryAfter: null });
    expect(received).toEqual([
      {
        method: 'POST',
        host: `hooks.example.invalid:${port}`,
        signature: 'v1,c2lnbmVk',
        body: '{"type":"webhook.ping"}',
      },
    ]);
  });

  it('resolves the name itself only when no address is pinned', async () => {
    // Arrange
    const { port, received } = await receiver((response) => response.writeHead(204).end());
    // Act
    const answer = await transport.post(
      `http://hooks.example.invalid:${port}/receive`,
      headers,
      '{}',
      5_000,
      null,
    );
    // Assert
    expect(answer).toEqual({ status: null, error: 'could not connect (ENOTFOUND)' });
    expect(received).toEqual([]);
  });

  it('answers a redirect without following it, and reads Retry-After', async () => {
    // Arrange
    const { port, received } = await receiver((response) =>
      response.writeHead(307, { location: 'http://10.0.0.1/elsewhere', 'retry-after': '7' }).end(),
    );
    // Act
    const answer = await transport.post(`http://127.0.0.1:${port}/receive`, headers, '{}', 5_000, [
      '127.0.0.1',
    ]);
    // Assert
    expect(answer).toEqual({ status: 307, error: null, retryAfter: '7' });
    expect(received).toHaveLength(1);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    // Arrange: the receiver reads the request and never answers.
    const { port } = await receiver(() => undefined);
    // Act
    const answer = await transport.post(`http://127.0.0.1:${port}/receive`, headers, '{}', 300, [
      '127.0.0.1',
    ]);
    // Assert
    expect(answer).toEqual({ status: null, error: 'no answer within 0.3 s' });
  });
});
