/**
 * The gateway's side of every response: the ids API Gateway puts on each one, and the
 * gateway's own errors in the product's error shape, as the CDK stack's gateway responses
 * answer them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** The error codes the gateway itself answers with (the product's error shape). */
export type GatewayErrorCode = 'UNAUTHORIZED' | 'NOT_FOUND' | 'PAYLOAD_TOO_LARGE' | 'INTERNAL_ERROR';

/** The ids of one request. */
export interface RequestIds {
  requestId: string;
  /** The headers API Gateway adds to every response; the event carries the same ids. */
  headers: {
    'x-amzn-requestid': string;
    'x-amz-apigw-id': string;
    'x-amzn-trace-id': string;
  };
}

/** Sends a request's response. */
export interface Responder {
  /** Sends a response, with the request's ids. */
  finish(status: number, headers: Record<string, string | string[]>, body: Buffer): void;
  /** Sends one of the gateway's own errors. */
  fail(status: number, code: GatewayErrorCode, detail: string, errorType: string): void;
}

/** New ids for a request that arrived at `started` (epoch milliseconds). */
export function requestIds(started: number): RequestIds {
  const requestId = randomUUID();
  return {
    requestId,
    headers: {
      'x-amzn-requestid': requestId,
      'x-amz-apigw-id': randomBytes(8).toString('base64url').slice(0, 11),
      'x-amzn-trace-id': `Root=1-${Math.floor(started / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    },
  };
}

/** The responder of one request; `onFinish` is told the response once it is sent. */
export function responder(
  res: ServerResponse,
  ids: RequestIds,
  onFinish: (status: number, headers: Record<string, string | string[]>, body: Buffer) => void,
): Responder {
  const finish: Responder['finish'] = (status, headers, body) => {
    res.writeHead(status, { ...headers, ...ids.headers, 'content-length': String(body.length) });
    res.end(body);
    onFinish(status, headers, body);
  };
  return {
    finish,
    fail: (status, code, detail, errorType) => {
      const body = Buffer.from(
        JSON.stringify({
          detail,
          error_code: code,
          request_id: ids.requestId,
          timestamp: new Date().toISOString(),
        }),
      );
      finish(status, { 'content-type': 'application/json', 'x-amzn-errortype': errorType }, body);
    },
  };
}
