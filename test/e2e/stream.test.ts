/**
 * A run's live stream over HTTP in local mode (docs/decisions.md §37): the Server-Sent Events of
 * a provision in order with increasing ids, a resume with Last-Event-ID, a failing run, a
 * deployment, and the 404 of another user's run. Waits are slowed a little (every Wait state
 * sleeps 100 ms) so a stream opened at once follows the run live.
 */
import { describe, expect, it } from 'vitest';
import { parseSse } from '../../functions/api/http/sse.ts';
import { useLocalMode } from './support.ts';

const local = useLocalMode({
  waitOverrideMs: 100,
  sweepIntervalMs: 0,
  users: ['Developers'],
  project: 'streams',
});
const developer = local.as('Developers');

type Json = Record<string, unknown>;
interface Streamed {
  status: number;
  contentType: string | null;
  events: { id: string | undefined; event: string; data: Json }[];
}

let accounts = 400000000000;
async function create(body: Json): Promise<{ envId: string; opId: string }> {
  const reply = await developer.call('POST', `/projects/${local.projectId}/environments`, {
    body: { account_id: String(accounts++), ...body },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  return { envId: String(reply.body.id), opId: String((reply.body.operation as Json).id) };
}

/** Reads a stream to its end (it ends by itself after the run's end). */
async function stream(
  path: string,
  headers: Record<string, string> = {},
  token = developer.token,
): Promise<Streamed> {
  const response = await fetch(`${developer.baseUrl}${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  local.assertContract();
  const contentType = response.headers.get('content-type');
  const events = contentType === 'text/event-stream' ? parseSse(text) : [];
  return {
    status: response.status,
    contentType,
    events: events.map((e) => ({ ...e, data: JSON.parse(e.data) as Json })),
  };
}

const typesOf = (s: Streamed) => s.events.map((e) => e.event);
const idsOf = (s: Streamed) => s.events.map((e) => String(e.id));

describe('GET /operations/{op_id}/stream', () => {
  it('streams a provision live, in order, with increasing ids, and ends with its final status', async () => {
    // Arrange
    const { opId } = await create({ name: 'watched', template: 'minimal' });

    // Act
    const watched = await stream(`/operations/${opId}/stream`);

    // Assert
    expect(watched.status).toBe(200);
    expect(watched.contentType).toBe('text/event-stream');
    const types = typesOf(watched);
    expect(types[0]).toBe('operation.started');
    expect(types.at(-1)).toBe('end');
    expect(watched.events.at(-1)?.data).toMatchObject({ status: 'succeeded', error: null });
    const ids = idsOf(watched);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    // Each stack starts before it finishes, and every stack finishes with its resource count.
    const started = watched.events.filter((e) => e.event === 'stack.started').map((e) => e.data.stack);
    const finished = watched.events.filter((e) => e.event === 'stack.finished');
    expect(finished.map((e) => e.data.stack).sort()).toEqual([...started].sort());
    for (const event of finished) expect(Number(event.data.resources)).toBeGreaterThan(0);
    for (const event of finished) {
      const start = watched.events.findIndex(
        (e) => e.event === 'stack.started' && e.data.stack === event.data.stack,
      );
      expect(start).toBeLessThan(watched.events.indexOf(event));
    }
    expect(types).toContain('progress');
    // Each layer starts, in order, before any of its stacks; every stack that ran is in one.
    const layers = watched.events.filter((e) => e.event === 'layer.started');
    expect(layers.map((e) => e.data.layer)).toEqual(layers.map((_, i) => i + 1));
    expect(layers.flatMap((e) => e.data.stacks as string[]).sort()).toEqual([...started].sort());
    for (const layer of layers) {
      for (const stack of layer.data.stacks as string[]) {
        const start = watched.events.findIndex((e) => e.event === 'stack.started' && e.data.stack === stack);
        expect(watched.events.indexOf(layer)).toBeLessThan(start);
      }
    }
  });

  it('resumes after Last-Event-ID with exactly the later events, and ends at once after the end', async () => {
    // Arrange
    const { opId } = await create({ name: 'resumed', template: 'minimal' });
    const whole = await stream(`/operations/${opId}/stream`);
    const cut = Math.floor(whole.events.length / 2);
    const lastSeen = String(whole.events[cut - 1]?.id);
    const end = String(whole.events.at(-1)?.id);

    // Act
    const resumed = await stream(`/operations/${opId}/stream`, { 'last-event-id': lastSeen });
    const afterEnd = await stream(`/operations/${opId}/stream`, { 'last-event-id': end });

    // Assert: the lines and the end are exactly the later ones (progress is a snapshot of the record).
    const noProgress = (events: Streamed['events']) => events.filter((e) => e.event !== 'progress');
    expect(noProgress(resumed.events).map((e) => e.id)).toEqual(
      noProgress(whole.events.slice(cut)).map((e) => e.id),
    );
    expect(resumed.events.at(-1)).toEqual(whole.events.at(-1));
    expect(afterEnd.status).toBe(200);
    expect(afterEnd.events).toEqual([]);
  });

  it('streams a failing provision: the stack’s failure, then the end, failed', async () => {
    // Arrange
    const { opId } = await create({
      name: 'failing',
      template: 'default',
      on_failure: 'keep',
      parameters: { simulate: { fail_stacks: ['storage'] } },
    });

    // Act
    const watched = await stream(`/operations/${opId}/stream`);

    // Assert
    const failed = watched.events.filter((e) => e.event === 'stack.failed');
    expect(failed.map((e) => e.data.stack)).toEqual(['storage']);
    expect(String(failed[0]?.data.error)).toMatch(/^Simulated failure creating AWS::/);
    expect(typesOf(watched)).toContain('stack.skipped');
    const end = watched.events.at(-1);
    expect(end?.event).toBe('end');
    expect(end?.data).toMatchObject({ status: 'failed', stacks: { storage: 'failed' } });
  });

  it('answers 404 (JSON, before any streaming) for another user’s operation and an unknown id', async () => {
    // Arrange
    const { opId } = await create({ name: 'private', template: 'minimal' });
    const email = 'stream-other@example.org';
    const password = 'Other-Passw0rd!';
    await local.api.call('POST', '/auth/signup', { body: { email, password } });
    const other = (await local.api.login(email, password)).id_token;

    // Act
    const theirs = await stream(`/operations/${opId}/stream`, {}, other);
    const unknown = await stream('/operations/op_01jd8x3k5m7n9p1q3r5s7t9v1w/stream');

    // Assert
    expect([theirs.status, theirs.contentType]).toEqual([404, 'application/json']);
    expect([unknown.status, unknown.contentType]).toEqual([404, 'application/json']);
  });
});

describe('GET /deployments/{deployment_id}/stream', () => {
  it('streams a deployment’s lines and ends with its final status', async () => {
    // Arrange
    const { envId } = await create({ name: 'deployed', type: 'persistent', template: 'minimal' });
    await developer.waitForStatus(envId, 'running');
    const accepted = await developer.call('POST', `/environments/${envId}/deployments`, {
      body: { version: 'v1.0.0' },
    });
    expect(accepted.status).toBe(202);

    // Act
    const watched = await stream(`/deployments/${String(accepted.body.id)}/stream`);

    // Assert
    expect(watched.status).toBe(200);
    expect(typesOf(watched)).toContain('log');
    expect(watched.events.at(-1)).toMatchObject({
      event: 'end',
      data: { status: 'succeeded', version: 'v1.0.0' },
    });
    const ids = idsOf(watched);
    expect(ids).toEqual([...ids].sort());
  });
});
