/**
 * envctl's webhooks as child processes against local mode (docs/decisions.md §45), with a
 * loopback receiver (local mode allows loopback http): create prints the secret once and list
 * never shows it; `test` exits 0 against a 200 and 5 against a 500; `deliveries` shows the
 * attempts; redeliver, update (--disable), rotate (the next ping verifies with the new secret
 * only) and delete.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Result, useEnvctl } from './cli-support.ts';
import { useLocalMode } from './support.ts';

const local = useLocalMode();
const { run, login } = useEnvctl(local);

type Json = Record<string, unknown>;
const parse = (result: Result): Json => {
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as Json;
};
/** A table's rows after the header, as cells (columns are two or more spaces apart). */
const rows = (stdout: string): string[][] =>
  stdout
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/ {2,}/));

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const SECRET_NOTE = 'The secret is shown only now: store it where your receiver verifies signatures.\n';
const WEBHOOK = [
  'created_at',
  'created_by',
  'description',
  'enabled',
  'events',
  'id',
  'project_id',
  'rotated_at',
  'updated_at',
  'url',
];

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
/** The status the receiver answers, by path (200 otherwise). */
const statusByPath = new Map<string, number>([['/fail', 500]]);
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statusByPath.get(path) ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const shared = { ok: {} as Json, failing: {} as Json, secret: '', failedDelivery: '' };
const on = (hook: Json) => ['--project', 'hooks-cli', String(hook.id)];

describe('envctl webhooks --help', () => {
  it('lists every subcommand with its usage (one process: each start costs a second here)', async () => {
    // Act
    const help = await run(['webhooks', '--help']);
    // Assert
    expect(help.code).toBe(0);
    const lines = help.stdout.split('\n');
    expect(lines[0]).toBe('Usage: envctl webhooks [options] [command]');
    const commands = lines.slice(lines.indexOf('Commands:') + 1).map((l) => l.trim().split(/ {2,}/)[0]);
    expect(commands.filter(Boolean)).toEqual([
      'list [options]',
      'create [options]',
      'get [options] <webhook>',
      'update [options] <webhook>',
      'delete [options] <webhook>',
      'rotate [options] <webhook>',
      'test [options] <webhook>',
      'deliveries [options] <webhook>',
      'redeliver [options] <webhook> <delivery>',
      'help [command]',
    ]);
  });
});

describe('envctl webhooks', () => {
  it('creates one: the secret on stdout once (the reminder on stderr); list never shows it', async () => {
    // Arrange
    await login();
    parse(await run(['-o', 'json', 'projects', 'create', 'hooks-cli']));
    // Act
    const [created, failing] = await Promise.all([
      run([
        'webhooks',
        'create',
        '--project',
        'hooks-cli',
        '--url',
        `${receiverUrl}/ok`,
        '--event',
        'environment.',
        '--event',
        'deployment.failed',
        '--description',
        'CI notifier',
      ]),
      run([
        '-o',
        'json',
        'webhooks',
        'create',
        '--project',
        'hooks-cli',
        '--url',
        `${receiverUrl}/fail`,
        '--event',
        'operation.finished',
      ]),
    ]);
    const [listed, listedJson] = await Promise.all([
      run(['webhooks', 'list', '--project', 'hooks-cli']),
      run(['-o', 'json', 'webhooks', 'list', '--project', 'hooks-cli']),
    ]);
    // Assert
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toBe(SECRET_NOTE);
    const lines = created.stdout.trimEnd().split('\n');
    expect(lines.slice(1)).toEqual([
      `url: ${receiverUrl}/ok`,
      'events: environment., deployment.failed',
      'description: CI notifier',
      'enabled: true',
      'rotated_at: never',
      expect.stringMatching(/^secret: whsec_/),
    ]);
    const id = /^id: (wh_[0-9a-z]{26})$/.exec(lines[0] ?? '')?.[1];
    expect(id).toBeDefined();
    shared.ok = { id };
    shared.secret = String(lines[6]).slice('secret: '.length);
    expect(shared.secret).toMatch(SECRET);

    const hook = parse(failing);
    expect(Object.keys(hook).sort()).toEqual([...WEBHOOK, 'secret'].sort());
    expect(hook).toMatchObject({ url: `${receiverUrl}/fail`, events: ['operation.finished'], enabled: true });
    expect(hook.secret).toMatch(SECRET);
    expect(failing.stderr).toBe(SECRET_NOTE);
    shared.failing = hook;

    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID +URL +EVENTS +ENABLED +DESCRIPTION$/);
    expect(rows(listed.stdout).sort()).toEqual(
      [
        [id, `${receiverUrl}/ok`, 'environment.,deployment.failed', 'yes', 'CI notifier'],
        [hook.id, `${receiverUrl}/fail`, 'operation.finished', 'yes'],
      ].sort(),
    );
    const items = parse(listedJson) as unknown as Json[];
    expect(items.map((w) => Object.keys(w).sort())).toEqual([WEBHOOK, WEBHOOK]);
    expect(listed.stdout + listedJson.stdout).not.toContain(shared.secret);
    expect(listed.stdout + listedJson.stdout).not.toContain(String(hook.secret));
  });

  it('test: a signed ping answered 200 is exit 0 and prints the attempt', async () => {
    // Act
    const tested = await run(['webhooks', 'test', ...on(shared.ok)]);
    // Assert
    expect(tested.code, tested.stderr).toBe(0);
    expect(tested.stderr).toBe('');
    const lines = tested.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^delivery: evt_[0-9a-z]{26}$/),
      `webhook: ${shared.ok.id}`,
      'event_type: webhook.ping',
      'status: succeeded',
      'response_code: 200',
      expect.stringMatching(/^duration_ms: \d+$/),
      'attempts: 1',
    ]);
    const ping = received.find((r) => r.path === '/ok');
    expect(ping).toBeDefined();
    const verified = new Webhook(shared.secret).verify(String(ping?.body), {
      'webhook-id': String(ping?.headers['webhook-id']),
      'webhook-timestamp': String(ping?.headers['webhook-timestamp']),
      'webhook-signature': String(ping?.headers['webhook-signature']),
    });
    expect(verified).toMatchObject({ type: 'webhook.ping' });
    expect(`delivery: ${ping?.headers['webhook-id']}`).toBe(lines[0]);
  });

  it('test: a ping answered 500 is exit 5 (the delivery failed), and deliveries shows the attempt', async () => {
    // Act
    const [tested, json] = await Promise.all([
      run(['webhooks', 'test', ...on(shared.failing)]),
      run(['-o', 'json', 'webhooks', 'test', ...on(shared.failing)]),
    ]);
    const [deliveries, limited] = await Promise.all([
      run(['webhooks', 'deliveries', ...on(shared.failing)]),
      run(['-o', 'json', 'webhooks', 'deliveries', ...on(shared.failing), '--limit', '1']),
    ]);
    // Assert
    expect(tested.code).toBe(5);
    expect(tested.stderr).toBe('envctl: The delivery failed: HTTP 500\n');
    const lines = tested.stdout.trimEnd().split('\n');
    expect(lines.slice(1)).toEqual([
      `webhook: ${shared.failing.id}`,
      'event_type: webhook.ping',
      'status: failed',
      'response_code: 500',
      expect.stringMatching(/^duration_ms: \d+$/),
      'error: HTTP 500',
      'attempts: 1',
    ]);
    const first = String(/^delivery: (evt_[0-9a-z]{26})$/.exec(lines[0] ?? '')?.[1]);
    shared.failedDelivery = first;

    expect(json.code).toBe(5);
    const second = JSON.parse(json.stdout) as Json;
    expect(second).toMatchObject({
      webhook_id: shared.failing.id,
      event_type: 'webhook.ping',
      status: 'failed',
    });
    expect(second.attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 'failed', response_code: 500, next_retry_at: null }),
    ]);

    expect(deliveries.code, deliveries.stderr).toBe(0);
    expect(deliveries.stdout.split('\n')[0]).toMatch(/^ID +EVENT +STATUS +ATTEMPTS +LAST CODE +NEXT RETRY$/);
    expect(rows(deliveries.stdout).sort()).toEqual(
      [
        [first, 'webhook.ping', 'failed', '1', '500', '-'],
        [String(second.id), 'webhook.ping', 'failed', '1', '500', '-'],
      ].sort(),
    );
    expect(limited.code).toBe(0);
    expect((JSON.parse(limited.stdout) as unknown[]).length).toBe(1);
    expect(limited.stderr).toBe('deliveries: showing the first 1; more exist (use --limit to see more)\n');
  });

  it('redeliver: the same delivery sent again, a second attempt (exit 0 once the receiver answers 200)', async () => {
    // Arrange
    statusByPath.set('/fail', 200);
    // Act
    const [redelivered, unknown] = await Promise.all([
      run(['webhooks', 'redeliver', ...on(shared.failing), shared.failedDelivery]),
      run(['webhooks', 'redeliver', ...on(shared.failing), 'evt_00000000000000000000000000']),
    ]);
    const deliveries = await run(['webhooks', 'deliveries', ...on(shared.failing)]);
    // Assert
    expect(redelivered.code, redelivered.stderr).toBe(0);
    expect(redelivered.stdout.trimEnd().split('\n')).toEqual([
      `delivery: ${shared.failedDelivery}`,
      `webhook: ${shared.failing.id}`,
      'event_type: webhook.ping',
      'status: succeeded',
      'response_code: 200',
      expect.stringMatching(/^duration_ms: \d+$/),
      'attempts: 2',
    ]);
    expect(rows(deliveries.stdout)).toContainEqual([
      shared.failedDelivery,
      'webhook.ping',
      'succeeded',
      '2',
      '200',
      '-',
    ]);
    expect(unknown.code).toBe(4);
  });

  it('update: --disable, --enable and a new --event; nothing to change or both flags is a usage error', async () => {
    // Act
    const [disabled, nothing, both] = await Promise.all([
      run(['webhooks', 'update', ...on(shared.ok), '--disable']),
      run(['webhooks', 'update', ...on(shared.ok)]),
      run(['webhooks', 'update', ...on(shared.ok), '--enable', '--disable']),
    ]);
    const got = await run(['-o', 'json', 'webhooks', 'get', ...on(shared.ok)]);
    const enabled = await run([
      '-o',
      'json',
      'webhooks',
      'update',
      ...on(shared.ok),
      '--enable',
      '--event',
      'environment.running',
      '--description',
      '',
    ]);
    // Assert
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toBe(
      [
        `id: ${shared.ok.id}`,
        `url: ${receiverUrl}/ok`,
        'events: environment., deployment.failed',
        'description: CI notifier',
        'enabled: false',
        'rotated_at: never',
        '',
      ].join('\n'),
    );
    expect(parse(got)).toMatchObject({ id: shared.ok.id, enabled: false });
    expect(Object.keys(parse(got))).not.toContain('secret');
    expect(parse(enabled)).toMatchObject({
      enabled: true,
      events: ['environment.running'],
      description: null,
    });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toBe(
      'envctl: nothing to change: give --url, --event, --description, --enable or --disable\n',
    );
    expect(both.code).toBe(2);
  });

  it('rotate: a new secret printed once; the next ping verifies with it and not with the old one', async () => {
    // Act
    const rotated = await run(['-o', 'json', 'webhooks', 'rotate', ...on(shared.ok)]);
    const before = received.length;
    const tested = await run(['webhooks', 'test', ...on(shared.ok)]);
    // Assert
    const hook = parse(rotated);
    expect(rotated.stderr).toBe(SECRET_NOTE);
    expect(hook.secret).toMatch(SECRET);
    expect(hook.secret).not.toBe(shared.secret);
    expect(hook.rotated_at).toEqual(expect.any(String));
    expect(tested.code, tested.stderr).toBe(0);
    const ping = received.slice(before).find((r) => r.path === '/ok') as Received;
    const headers = {
      'webhook-id': String(ping.headers['webhook-id']),
      'webhook-timestamp': String(ping.headers['webhook-timestamp']),
      'webhook-signature': String(ping.headers['webhook-signature']),
    };
    expect(new Webhook(String(hook.secret)).verify(ping.body, headers)).toMatchObject({
      type: 'webhook.ping',
    });
    expect(() => new Webhook(shared.secret).verify(ping.body, headers)).toThrow();
  });

  it('delete: the webhook is gone (get exits 4)', async () => {
    // Act
    const [deleted, json] = await Promise.all([
      run(['webhooks', 'delete', ...on(shared.ok)]),
      run(['-o', 'json', 'webhooks', 'delete', ...on(shared.failing)]),
    ]);
    const [got, listed] = await Promise.all([
      run(['webhooks', 'get', ...on(shared.ok)]),
      run(['-o', 'json', 'webhooks', 'list', '--project', 'hooks-cli']),
    ]);
    // Assert
    expect(deleted).toMatchObject({ code: 0, stdout: `Deleted ${shared.ok.id}\n` });
    expect(parse(json)).toEqual({ id: shared.failing.id, deleted: true });
    expect(got.code).toBe(4);
    expect(parse(listed)).toEqual([]);
  });
});
