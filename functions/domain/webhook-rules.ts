/**
 * The rules of outgoing webhooks (docs/decisions.md §45), pure so they are unit-tested:
 * which targets are allowed (addresses and URLs), which events a subscription matches, and
 * the secret's format (the Standard Webhooks `whsec_` + base64 of random bytes).
 */
import { isIP } from 'node:net';
import type { FieldError } from './errors.ts';
import { EVENT_TYPES } from './vocabulary.ts';

/** How many random bytes a secret holds (the Standard Webhooks specification asks for 24 to 64). */
export const WEBHOOK_SECRET_BYTES = 32;

/** `whsec_` and the base64 of the key's bytes. */
export function formatWebhookSecret(bytes: Uint8Array): string {
  return `whsec_${Buffer.from(bytes).toString('base64')}`;
}

/** A secret as {@link formatWebhookSecret} makes them: `whsec_` + base64 of 24 to 64 bytes. */
export function isWebhookSecret(secret: string): boolean {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (!match) return false;
  const length = Buffer.from(String(match[1]), 'base64').length;
  return length >= 24 && length <= 64;
}

// ---------------------------------------------------------------- events

/** A known event type, or a prefix of known types ending in "." (`environment.`). */
export function isEventPattern(pattern: string): boolean {
  if (pattern.endsWith('.')) return pattern.length > 1 && EVENT_TYPES.some((t) => t.startsWith(pattern));
  return (EVENT_TYPES as readonly string[]).includes(pattern);
}

/** Whether a subscription's patterns take an event of this type. */
export function matchesEvent(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => (p.endsWith('.') ? type.startsWith(p) : p === type));
}

// ---------------------------------------------------------------- addresses

function ipv4Parts(address: string): number[] {
  return address.split('.').map(Number);
}

/** An IPv4 address nobody on the internet should be sent to. */
function isPrivateIpv4(address: string): boolean {
  const [a = 0, b = 0] = ipv4Parts(address);
  return (
    a === 0 || // "this" network
    a === 10 ||
    a === 127 || // loopback
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local (and the instance metadata service)
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) || // IETF protocol assignments
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  );
}

/** The 8 groups of an IPv6 address (an embedded IPv4 tail expanded into the last two). */
function ipv6Groups(address: string): number[] {
  let text = (address.toLowerCase().split('%')[0] ?? '').trim();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = String(tail[1]);
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Parts(v4);
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const missing = halves.length > 1 ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
}

/** The IPv4 address in the last two groups. */
const v4Of = (g: number[]): string => {
  const [g6 = 0, g7 = 0] = g.slice(6);
  return `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`;
};

function isPrivateIpv6(address: string): boolean {
  const g = ipv6Groups(address);
  const [g0 = 0, g1 = 0] = g;
  if (g.slice(0, 7).every((x) => x === 0) && (g[7] === 0 || g[7] === 1)) return true; // :: and ::1
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return isPrivateIpv4(v4Of(g)); // IPv4-mapped
  if (g0 === 0x64 && g1 === 0xff9b) return isPrivateIpv4(v4Of(g)); // NAT64
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  if (g0 === 0x2001 && g1 === 0xdb8) return true; // documentation
  return false;
}

/** Loopback only (127/8, ::1, IPv4-mapped loopback): what local mode may allow. */
export function isLoopbackAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return ipv4Parts(address)[0] === 127;
  if (version === 6) {
    const g = ipv6Groups(address);
    if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true;
    if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return v4Of(g).startsWith('127.');
  }
  return false;
}

/**
 * Whether a webhook may not be sent to this IP address: private, loopback, link-local,
 * unique-local, multicast or reserved. Anything that is not an IP literal is refused too.
 */
export function isForbiddenAddress(address: string, options: { allowLoopback: boolean }): boolean {
  const version = isIP(address);
  if (version === 0) return true;
  if (options.allowLoopback && isLoopbackAddress(address)) return false;
  return version === 4 ? isPrivateIpv4(address) : isPrivateIpv6(address);
}

// ---------------------------------------------------------------- URLs

/** The host of a URL as an address or name: IPv6 brackets removed, lower case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

const isLocalhostName = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost');

/**
 * The problems of a target URL before DNS (the `url` field's errors): `https` only (loopback
 * `http` when allowed), no credentials, no private IP literal, not `localhost`.
 */
export function urlProblems(text: string, options: { allowLoopback: boolean }): FieldError[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [{ field: 'url', message: 'not a URL' }];
  }
  const problems: string[] = [];
  const host = hostOf(url);
  const loopbackHost = isLocalhostName(host) || isLoopbackAddress(host);
  const allowedHttp = options.allowLoopback && loopbackHost && url.protocol === 'http:';
  if (url.protocol !== 'https:' && !allowedHttp) problems.push('must use https');
  if (url.username !== '' || url.password !== '') problems.push('must not contain credentials');
  if (isLocalhostName(host)) {
    if (!options.allowLoopback) problems.push('must not point at localhost');
  } else if (isIP(host) !== 0 && isForbiddenAddress(host, options)) {
    problems.push('must not point at a private, loopback or link-local address');
  }
  return problems.map((message) => ({ field: 'url', message }));
}

/** Whether a URL's host is a `localhost` name (resolved by nobody's DNS; allowed only with loopback). */
export function isLocalhostUrl(url: URL): boolean {
  return isLocalhostName(hostOf(url));
}

/** The problem of the addresses a host resolved to, if any is forbidden (or there is none). */
export function resolvedProblem(
  host: string,
  addresses: readonly string[],
  options: { allowLoopback: boolean },
): string | null {
  if (addresses.length === 0) return `${host} does not resolve`;
  const bad = addresses.find((a) => isForbiddenAddress(a, options));
  return bad ? `${host} resolves to a private, loopback or link-local address (${bad})` : null;
}

// ---------------------------------------------------------------- retries

/**
 * The retry schedule: the n-th failed attempt waits base × 3^(n-1) (1 min, 3, 9, 27, 81 min,
 * 4 h, then the 12 h cap: SQS's longest visibility), half of it jittered; 8 attempts span
 * about 18 hours. `Retry-After` is honoured as a floor (up to the cap).
 */
export const WEBHOOK_RETRY_SCHEDULE = {
  baseMs: 60_000,
  factor: 3,
  maxDelayMs: 12 * 3_600_000,
  maxAttempts: 8,
};

/**
 * How long a delivery's record is kept after its last attempt (docs/decisions.md §45): past any
 * retry (12 h at most apart) and long enough to look back on; then the table's TTL removes it,
 * so a deleted webhook's deliveries go on their own.
 */
export const WEBHOOK_DELIVERY_RETENTION_DAYS = 30;

/**
 * When a delivery's record expires, in epoch seconds (the table's TTL attribute): the retention
 * after its last attempt, or after its last change when it has none.
 */
export function webhookDeliveryExpiresAt(delivery: {
  attempts: readonly { at: string }[];
  updated_at: string;
}): number {
  const last = delivery.attempts[delivery.attempts.length - 1]?.at ?? delivery.updated_at;
  const ms = Date.parse(last);
  if (Number.isNaN(ms)) throw new Error(`Not an ISO timestamp: ${last}`);
  return Math.floor(ms / 1000) + WEBHOOK_DELIVERY_RETENTION_DAYS * 86_400;
}

/** A `Retry-After` header in milliseconds from `now` (seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/**
 * How long to wait after failed attempt number `attempt` (1 for the first), or null when no
 * attempt is left. `random` in [0, 1) jitters the second half of the delay; `scale` shrinks the
 * schedule (local mode's time scale; 1 in AWS) but never a receiver's `Retry-After`.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | null,
  random: number,
  scale: number,
): number | null {
  const { baseMs, factor, maxDelayMs, maxAttempts } = WEBHOOK_RETRY_SCHEDULE;
  if (attempt >= maxAttempts) return null;
  const delay = Math.min(maxDelayMs, baseMs * factor ** (attempt - 1));
  const jittered = Math.round((delay / 2 + random * (delay / 2)) * scale);
  return Math.min(maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}
