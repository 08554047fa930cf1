/**
 * The web console's stream reader (console/src/run-stream.ts, §41): fetch + eventsource-parser,
 * reconnecting with Last-Event-ID until the run's `end`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { followRun, type StreamEvent } from '../../console/src/run-stream.ts';

function sse(text: string): Response {
  return new Response(new Blob([text]).stream(), {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('following a run’s stream', () => {
  it('reconnects with the last event id after a drop, and stops after the end', async () => {
    // Arrange: the first connection drops after two events, the second sends the end
    const requests: Headers[] = [];
    const answers = [
      sse(
        'id: 2026-12-01T00:00:00.000Z#a\nevent: stack.started\ndata: {"stack":"network"}\n\n' +
          'id: 2026-12-01T00:00:01.000Z#b\nevent: progress\ndata: {"stacks_done":1}\n\n',
      ),
      sse('id: 2026-12-01T00:00:01.000Z#b.z\nevent: end\ndata: {"status":"succeeded"}\n\n'),
    ];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        requests.push(new Headers(init.headers));
        const answer = answers.shift();
        if (!answer) throw new Error('no more answers');
        return answer;
      }),
    );
    vi.stubGlobal('setTimeout', (callback: () => void) => {
      callback();
      return 0;
    });
    const events: StreamEvent[] = [];
    const states: string[] = [];

    // Act
    await followRun({
      url: '/v1/operations/op_1/stream',
      signal: new AbortController().signal,
      onEvent: (event) => events.push(event),
      onState: (state) => states.push(state),
    });

    // Assert
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['stack.started', { stack: 'network' }],
      ['progress', { stacks_done: 1 }],
      ['end', { status: 'succeeded' }],
    ]);
    expect(requests.map((h) => h.get('last-event-id'))).toEqual([null, '2026-12-01T00:00:01.000Z#b']);
    expect(requests[0]?.get('accept')).toBe('text/event-stream');
    expect(states).toEqual(['open', 'reconnecting', 'open', 'ended']);
  });

  it('gives up on an error answer (e.g. 404) without retrying', async () => {
    // Arrange
    const fetch = vi.fn(async () => new Response('{}', { status: 404 }));
    vi.stubGlobal('fetch', fetch);
    const states: string[] = [];

    // Act
    await followRun({
      url: '/v1/operations/op_x/stream',
      signal: new AbortController().signal,
      onEvent: () => undefined,
      onState: (state) => states.push(state),
    });

    // Assert
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(states).toEqual(['failed']);
  });
});
