/**
 * The HTTP endpoint: Cognito's AWS JSON 1.1 protocol for the SDK (and the AWS CLI), the
 * pool's `/.well-known` documents, and a health check.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { BodyTooLargeError, closeServer, LOOPBACK, listen, readBody } from '../net.ts';
import type { CognitoCall } from './request-hooks.ts';
import type { CognitoServices } from './services.ts';

/** Options of {@link startEndpoint}. */
export interface EndpointOptions {
  /** 0 = ephemeral. */
  port: number;
  /** `https://cognito-idp.<region>.amazonaws.com`, the issuer's domain in the OpenID configuration. */
  issuerDomain: string;
  jwks: Jwks;
  /** Where every operation goes. */
  call: CognitoCall;
  /** For cognito-local's error classes. */
  services: CognitoServices;
  /** Log internal errors. */
  verbose?: boolean;
}

/** A listening endpoint. */
export interface CognitoEndpoint {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** Cognito's wire format has dates as epoch seconds (as cognito-local's own server sends them). */
function dateReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? Math.floor(raw.getTime() / 1000) : value;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body, dateReplacer) ?? '{}';
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** Starts the endpoint. */
export async function startEndpoint(options: EndpointOptions): Promise<CognitoEndpoint> {
  const { issuerDomain, jwks, call } = options;
  const { CognitoError, UnsupportedError } = options.services;

  let endpoint = '';
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET') {
      const [, poolId, wellKnown, file] = path.split('/');
      if (poolId && wellKnown === '.well-known' && file === 'jwks.json') {
        send(res, 200, jwks, { 'content-type': 'application/json' });
      } else if (poolId && wellKnown === '.well-known' && file === 'openid-configuration') {
        send(
          res,
          200,
          {
            issuer: `${issuerDomain}/${poolId}`,
            jwks_uri: `${endpoint}/${poolId}/.well-known/jwks.json`,
            id_token_signing_alg_values_supported: ['RS256'],
            subject_types_supported: ['public'],
            response_types_supported: ['code', 'token'],
          },
          { 'content-type': 'application/json' },
        );
      } else if (path === '/health') {
        send(res, 200, { ok: true }, { 'content-type': 'application/json' });
      } else {
        send(res, 404, { message: 'Not found' }, { 'content-type': 'application/json' });
      }
      return;
    }
    const target = req.headers['x-amz-target'];
    const operation = typeof target === 'string' ? target.split('.')[1] : undefined;
    if (req.method !== 'POST' || !operation) {
      send(res, 400, {
        __type: 'UnknownOperationException',
        message: `Missing or invalid x-amz-target header`,
      });
      return;
    }
    try {
      const raw = await readBody(req, 1024 * 1024);
      const parsed: unknown = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
      const request =
        typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
      send(res, 200, await call(operation, request));
    } catch (error) {
      if (error instanceof CognitoError) {
        send(res, 400, { __type: error.code, message: error.message }, { 'x-amzn-errortype': error.code });
      } else if (error instanceof UnsupportedError) {
        send(res, 400, {
          __type: 'CognitoLocal#Unsupported',
          message: `Not supported locally: ${error.message}`,
        });
      } else if (error instanceof SyntaxError || error instanceof BodyTooLargeError) {
        send(res, 400, { __type: 'SerializationException', message: error.message });
      } else {
        if (options.verbose) console.error('[cognito] internal error', error);
        send(res, 500, { __type: 'InternalErrorException', message: 'Internal error' });
      }
    }
  };
  const server = createServer((req, res) => {
    void serve(req, res);
  });
  const port = await listen(server, options.port);
  endpoint = `http://${LOOPBACK}:${port}`;
  return { endpoint, port, close: () => closeServer(server) };
}
