/**
 * What API Gateway makes of a Lambda proxy integration's result: the response it sends, or
 * nothing when the result is malformed (the gateway then answers 502).
 */

/** Lambda's limit on a synchronous response. */
const LAMBDA_MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

interface ProxyResult {
  statusCode: number;
  headers: Record<string, string[]>;
  body: Buffer;
}

/** The response to send for a valid proxy result. */
export interface ProxyResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Validates a handler's result as API Gateway does; undefined means "malformed proxy response" (502). */
function parseProxyResult(result: unknown): ProxyResult | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as Record<string, unknown>;
  const statusCode = typeof r.statusCode === 'string' ? Number(r.statusCode) : r.statusCode;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    return undefined;
  }
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') return undefined;
  const scalar = (v: unknown): v is string | number | boolean =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  const headers: Record<string, { name: string; values: string[] }> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object') return undefined;
    for (const [name, value] of Object.entries(r.headers)) {
      if (!scalar(value)) return undefined;
      headers[name.toLowerCase()] = { name, values: [String(value)] };
    }
  }
  if (r.multiValueHeaders !== undefined && r.multiValueHeaders !== null) {
    if (typeof r.multiValueHeaders !== 'object') return undefined;
    for (const [name, values] of Object.entries(r.multiValueHeaders)) {
      if (!Array.isArray(values) || !values.every(scalar)) return undefined;
      // API Gateway merges both maps; a value present in both appears once.
      const existing = headers[name.toLowerCase()];
      const merged = values.map(String);
      for (const value of existing?.values ?? []) {
        if (!merged.includes(value)) merged.push(value);
      }
      headers[name.toLowerCase()] = { name, values: merged };
    }
  }
  const body =
    typeof r.body === 'string'
      ? Buffer.from(r.body, r.isBase64Encoded === true ? 'base64' : 'utf8')
      : Buffer.alloc(0);
  const out: Record<string, string[]> = {};
  for (const { name, values } of Object.values(headers)) {
    out[name] = values;
  }
  return { statusCode, headers: out, body };
}

/**
 * The response for a handler's result (already through the JSON boundary), or undefined
 * when it is malformed or over Lambda's response limit.
 */
export function proxyResponse(result: unknown): ProxyResponse | undefined {
  const proxy = parseProxyResult(result);
  if (!proxy || proxy.body.length > LAMBDA_MAX_RESPONSE_BYTES) return undefined;
  const headers: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(proxy.headers)) {
    headers[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    // API Gateway's default for a proxy response without one.
    headers['Content-Type'] = 'application/json';
  }
  return { statusCode: proxy.statusCode, headers, body: proxy.body };
}
