import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseSse } from '../../../functions/api/http/sse.ts';
import { streamRun } from '../../../functions/api/http/streaming.ts';
import type { LogRecord, OperationRecord } from '../../../functions/domain/model.ts';
import type { IdentifiedLog } from '../../../functions/domain/run-events.ts';
import type { OpenRun, RunStreamDeps } from '../../../functions/domain/use-cases/run-stream.ts';

const OP_ID = 'op_01jd8x3k5m7n9p1q3r5s7t9v1w';
const ENV_ID = 'env_01jd8x3k5m7n9p1q3r5s7t9v1w';
const OLD = '2026-11-22T10:00:00.000Z';
const RUN: OpenRun = { ref: { kind: 'operation', id: OP_ID }, environmentId: ENV_ID, since: OLD };

function line(suffix: string, message: string): IdentifiedLog {
  const log: LogRecord = {
    environment_id: ENV_ID,
    operation_id: OP_ID,
    stack: null,
    level: 'INFO',
    message,
    timestamp: OLD,
  };
  return { id: `${OLD}#01jd8x3k5m7n9p1q3r5s7t9v${suffix}`, log };
}

/** An operation whose status the test sets, with the given lines; counts the polls. */
function fakeRun(lines: IdentifiedLog[]) {
  const state = { status: 'running' as OperationRecord['status'], polls: 0 };
  const deps = {
    operations: {
      get: async () => ({
        id: OP_ID,
        status: state.status,
        outcome: null,
        error: null,
        finished_at: null,
        stack_results: null,
        progress: { layer: 1, layers: 1, stacks_done: 0, stacks: 1 },
      }),
    },
    logs: {
      linesAfter: async (_env: string, _run: unknown, after: { id: string } | { since: string }) => {
        state.polls++;
        return 'id' in after ? lines.filter((l) => l.id > after.id) : lines;
      },
    },
  } as unknown as RunStreamDeps;
  return { deps, state };
}

const timing = { pollMs: 5, keepAliveMs: 10_000, maxMs: 60_000, retryMs: 1000 };

async function collect(out: PassThrough): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of out) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('streamRun', () => {
  it('sends the lines, the progress and the end once the run is final, then ends the stream', async () => {
    // Arrange
    const { deps, state } = fakeRun([line('1a', 'first'), line('1b', 'second')]);
    state.status = 'succeeded';
    const out = new PassThrough();
    const text = collect(out);

    // Act
    await streamRun(deps, RUN, undefined, out, timing);

    // Assert
    const events = parseSse(await text);
    expect(events.map((e) => [e.event, e.id])).toEqual([
      ['log', `${OLD}#01jd8x3k5m7n9p1q3r5s7t9v1a`],
      ['log', `${OLD}#01jd8x3k5m7n9p1q3r5s7t9v1b`],
      ['progress', `${OLD}#01jd8x3k5m7n9p1q3r5s7t9v1b.p`],
      ['end', `${OLD}#01jd8x3k5m7n9p1q3r5s7t9v1b.z`],
    ]);
    expect(JSON.parse(events[3]?.data ?? '')).toMatchObject({ status: 'succeeded' });
  });

  it('stops polling when the client leaves', async () => {
    // Arrange
    const { deps, state } = fakeRun([line('1a', 'first')]);
    const out = new PassThrough();
    out.resume();

    // Act
    const streaming = streamRun(deps, RUN, undefined, out, timing);
    await new Promise((resolve) => setTimeout(resolve, 30));
    out.destroy();
    await streaming;
    const pollsWhenGone = state.polls;
    await new Promise((resolve) => setTimeout(resolve, 30));

    // Assert
    expect(pollsWhenGone).toBeGreaterThan(0);
    expect(state.polls).toBe(pollsWhenGone);
  });

  it('closes with a reconnect event (no id) once its time is up, and keeps idle connections alive', async () => {
    // Arrange
    const { deps } = fakeRun([line('1a', 'first')]);
    const out = new PassThrough();
    const text = collect(out);

    // Act
    await streamRun(deps, RUN, undefined, out, { ...timing, keepAliveMs: 0, maxMs: 20 });

    // Assert
    const body = await text;
    expect(body).toContain(': keep-alive\n\n');
    expect(body.endsWith('event: reconnect\ndata: {"retry_ms":1000}\n\n')).toBe(true);
  });
});
