/**
 * The pure rules of outgoing webhooks (docs/decisions.md §45): which addresses and URLs are
 * refused as targets, which events a subscription takes, the secret's format.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../functions/domain/vocabulary.ts';
import {
  formatWebhookSecret,
  isEventPattern,
  isForbiddenAddress,
  isLoopbackAddress,
  isWebhookSecret,
  matchesEvent,
  parseRetryAfter,
  resolvedProblem,
  retryDelayMs,
  urlProblems,
  WEBHOOK_SECRET_BYTES,
} from '../../../functions/domain/webhook-rules.ts';

const strict = { allowLoopback: false };
const local = { allowLoopback: true };

describe('isForbiddenAddress', () => {
  it.each([
    '10.0.0.1',
    '10.255.255.255',
    '127.0.0.1',
    '127.8.9.10',
    '0.0.0.0',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '192.0.0.1',
    '198.18.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fc00::1',
    'fd12:3456:789a::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a00:1',
    '2001:db8::1',
  ])('refuses %s', (address) => {
    expect(isForbiddenAddress(address, strict)).toBe(true);
  });

  it.each([
    '93.184.216.34',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('allows the public address %s', (address) => {
    expect(isForbiddenAddress(address, strict)).toBe(false);
  });

  it('refuses what is not an IP literal', () => {
    expect(isForbiddenAddress('example.com', strict)).toBe(true);
  });

  it('allows loopback, and only loopback, when allowLoopback is set', () => {
    expect(isForbiddenAddress('127.0.0.1', local)).toBe(false);
    expect(isForbiddenAddress('::1', local)).toBe(false);
    expect(isForbiddenAddress('::ffff:127.0.0.1', local)).toBe(false);
    expect(isForbiddenAddress('10.0.0.1', local)).toBe(true);
    expect(isForbiddenAddress('169.254.169.254', local)).toBe(true);
  });

  it('tells loopback from other private addresses', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('10.0.0.1')).toBe(false);
    expect(isLoopbackAddress('::')).toBe(false);
  });
});

describe('urlProblems', () => {
  it('accepts a public https URL', () => {
    expect(urlProblems('https://hooks.example.com/x?y=1', strict)).toEqual([]);
    expect(urlProblems('https://93.184.216.34:8443/x', strict)).toEqual([]);
  });

  it.each([
    ['http://hooks.example.com/x', 'must use https'],
    ['ftp://hooks.example.com/x', 'must use https'],
    ['https://user:pass@hooks.example.com/x', 'must not contain credentials'],
    ['https://token@hooks.example.com/x', 'must not contain credentials'],
    ['https://localhost/x', 'must not point at localhost'],
    ['https://api.localhost/x', 'must not point at localhost'],
    ['https://10.0.0.1/x', 'must not point at a private, loopback or link-local address'],
    ['https://[::1]/x', 'must not point at a private, loopback or link-local address'],
    ['https://[fe80::1]/x', 'must not point at a private, loopback or link-local address'],
    [
      'https://169.254.169.254/latest/meta-data',
      'must not point at a private, loopback or link-local address',
    ],
    ['not a url', 'not a URL'],
  ])('refuses %s: %s', (url, message) => {
    expect(urlProblems(url, strict)).toEqual([{ field: 'url', message }]);
  });

  it('names every problem of a URL', () => {
    expect(urlProblems('http://a:b@10.0.0.1/', strict).map((p) => p.message)).toEqual([
      'must use https',
      'must not contain credentials',
      'must not point at a private, loopback or link-local address',
    ]);
  });

  it('with allowLoopback, takes loopback http but still refuses other http and private targets', () => {
    expect(urlProblems('http://127.0.0.1:4567/hook', local)).toEqual([]);
    expect(urlProblems('http://localhost:4567/hook', local)).toEqual([]);
    expect(urlProblems('http://[::1]:4567/hook', local)).toEqual([]);
    expect(urlProblems('http://hooks.example.com/x', local)).toEqual([
      { field: 'url', message: 'must use https' },
    ]);
    expect(urlProblems('https://10.0.0.1/x', local)).toEqual([
      { field: 'url', message: 'must not point at a private, loopback or link-local address' },
    ]);
  });
});

describe('resolvedProblem', () => {
  it('passes a name whose every address is public', () => {
    expect(resolvedProblem('hooks.example.com', ['93.184.216.34', '2606:2800:220:1::1'], strict)).toBeNull();
  });

  it('refuses a name with any private answer, naming it', () => {
    expect(resolvedProblem('evil.example.com', ['93.184.216.34', '10.1.2.3'], strict)).toBe(
      'evil.example.com resolves to a private, loopback or link-local address (10.1.2.3)',
    );
  });

  it('refuses a name that does not resolve', () => {
    expect(resolvedProblem('nowhere.invalid', [], strict)).toBe('nowhere.invalid does not resolve');
  });

  it('lets a name resolving to loopback through only when allowed', () => {
    expect(resolvedProblem('loop.test', ['127.0.0.1'], local)).toBeNull();
    expect(resolvedProblem('loop.test', ['127.0.0.1'], strict)).not.toBeNull();
  });
});

describe('event patterns', () => {
  it('takes every known type and the prefixes of known types ending in "."', () => {
    for (const type of EVENT_TYPES) expect(isEventPattern(type)).toBe(true);
    expect(isEventPattern('environment.')).toBe(true);
    expect(isEventPattern('operation.')).toBe(true);
    expect(isEventPattern('deployment.')).toBe(true);
  });

  it.each(['environment', 'environment.*', 'environment.nope', 'webhook.', '.', '', 'ENVIRONMENT.running'])(
    'refuses %j',
    (pattern) => {
      expect(isEventPattern(pattern)).toBe(false);
    },
  );

  it('matches a type exactly or by prefix', () => {
    expect(matchesEvent(['environment.'], 'environment.running')).toBe(true);
    expect(matchesEvent(['operation.finished'], 'operation.finished')).toBe(true);
    expect(matchesEvent(['operation.finished'], 'operation.started')).toBe(false);
    expect(matchesEvent(['deployment.', 'operation.finished'], 'environment.running')).toBe(false);
    expect(matchesEvent([], 'environment.running')).toBe(false);
  });
});

describe('secrets', () => {
  it('formats whsec_ + base64 of the key bytes', () => {
    const bytes = Uint8Array.from({ length: 24 }, (_, i) => i);
    expect(formatWebhookSecret(bytes)).toBe(`whsec_${Buffer.from(bytes).toString('base64')}`);
  });

  it('makes secrets of 32 bytes that pass its own check', () => {
    const secret = formatWebhookSecret(randomBytes(WEBHOOK_SECRET_BYTES));
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(isWebhookSecret(secret)).toBe(true);
  });

  it('refuses too short, unprefixed or non-base64 secrets', () => {
    expect(isWebhookSecret(formatWebhookSecret(randomBytes(16)))).toBe(false);
    expect(isWebhookSecret(Buffer.from(randomBytes(32)).toString('base64'))).toBe(false);
    expect(isWebhookSecret('whsec_not base64!')).toBe(false);
  });
});

describe('retries', () => {
  it('waits base × 3^(n-1), half jittered: the bounds at random 0 and just under 1', () => {
    expect(retryDelayMs(1, null, 0, 1)).toBe(30_000);
    expect(retryDelayMs(1, null, 0.999999, 1)).toBe(60_000);
    expect(retryDelayMs(2, null, 0, 1)).toBe(90_000);
    expect(retryDelayMs(3, null, 0, 1)).toBe(270_000);
    expect(retryDelayMs(7, null, 0, 1)).toBe(6 * 3_600_000);
  });

  it('stops after the 8th attempt', () => {
    expect(retryDelayMs(7, null, 0, 1)).not.toBeNull();
    expect(retryDelayMs(8, null, 0, 1)).toBeNull();
  });

  it('scales the schedule (local mode) but not a Retry-After, which is a floor capped at 12 h', () => {
    expect(retryDelayMs(1, null, 0, 0.02)).toBe(600);
    expect(retryDelayMs(1, 5_000, 0, 0.02)).toBe(5_000);
    expect(retryDelayMs(1, 10_000, 0, 1)).toBe(30_000);
    expect(retryDelayMs(1, 48 * 3_600_000, 0, 1)).toBe(12 * 3_600_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-12-01T10:00:00.000Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
