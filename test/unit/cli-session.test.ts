/**
 * envctl's authenticated client reads the stored login for every request: once the ID token
 * nears its expiry it is refreshed (POST /auth/refresh) and stored, so a long watch or
 * `logs --follow` goes on past the token's hour instead of failing with exit code 3.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticatedClient } from '../../cli/api/client.ts';
import { readCredentials, writeCredentials } from '../../cli/credentials.ts';

/** An unsigned JWT-shaped token expiring `inSeconds` from now (the client only reads `exp`). */
const jwt = (name: string, inSeconds: number) =>
  [
    Buffer.from('{"alg":"none"}').toString('base64url'),
    Buffer.from(JSON.stringify({ sub: name, exp: Math.floor(Date.now() / 1000) + inSeconds })).toString(
      'base64url',
    ),
    name,
  ].join('.');

let server: Server | undefined;
let config: string;
const savedXdg = process.env.XDG_CONFIG_HOME;

beforeEach(() => {
  config = mkdtempSync(join(tmpdir(), 'envctl-session-'));
  process.env.XDG_CONFIG_HOME = config;
});
afterEach(() => {
  server?.close();
  if (savedXdg === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = savedXdg;
  rmSync(config, { recursive: true, force: true });
});

describe('a stored login', () => {
  it('is read for every request and refreshed once its ID token nears expiry', async () => {
    // Arrange: a server that records the Authorization of each GET /me and refreshes tokens.
    const refreshed = jwt('refreshed', 3600);
    const seen: string[] = [];
    server = createServer((request, response) => {
      if (request.url === '/v1/auth/refresh') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id_token: refreshed, access_token: 'a', expires_in: 3600 }));
        return;
      }
      seen.push(String(request.headers.authorization));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const first = jwt('first', 3600);
    writeCredentials({ api_url: apiUrl, email: 'dev@example.com', id_token: first, refresh_token: 'r' });
    const api = await authenticatedClient({ apiUrl, output: 'json' });

    // Act: one request, then the stored token is about to expire (as an hour later), then another.
    await api.GET('/me');
    const stale = jwt('stale', 30);
    writeCredentials({ api_url: apiUrl, email: 'dev@example.com', id_token: stale, refresh_token: 'r' });
    await api.GET('/me');

    // Assert
    expect(seen).toEqual([`Bearer ${first}`, `Bearer ${refreshed}`]);
    expect(readCredentials()?.id_token).toBe(refreshed);
  });
});
