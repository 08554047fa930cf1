/** What envctl's watch makes of a run's stream events (`cli/watch/state.ts`, pure). */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../cli/watch/source.ts';
import { applyEvent, elapsed, operationState } from '../../cli/watch/state.ts';
import type { StreamEvent } from '../../cli/watch/stream.ts';

const operation = (kind: Operation['kind'] = 'provision'): Operation => ({
  id: 'op_1',
  environment_id: 'env_1',
  kind,
  status: 'running',
  attempt: 1,
  retry_of: null,
  targets: null,
  cancel_requested: false,
  outcome: null,
  progress: { layer: 1, layers: 2, stacks_done: 0, stacks: 3 },
  stacks: [
    { name: 'network', layer: 1, status: 'pending' },
    { name: 'storage', layer: 2, status: 'pending' },
    { name: 'compute-ec2', layer: 2, status: 'pending' },
  ],
  started_at: '2026-12-01T04:00:00.000Z',
  finished_at: null,
  error: null,
  requested_by: 'u',
  reason: null,
  approval: null,
  plan: null,
});

const line = (at: string, stack: string | null, message: string) => ({
  timestamp: `2026-12-01T04:00:${at}Z`,
  level: 'INFO',
  stack,
  message,
});
const ev = (type: string, data: Record<string, unknown>): StreamEvent => ({ id: 'x', type, data });

describe('a watch’s state', () => {
  it('starts from the record: layers in order, nothing settled while the run goes on', () => {
    const state = operationState(operation());
    expect(state.layers).toEqual([1, 2]);
    expect(state.stacks.map((s) => [s.name, s.status, s.done])).toEqual([
      ['network', 'pending', false],
      ['storage', 'pending', false],
      ['compute-ec2', 'pending', false],
    ]);
  });

  it('follows a stack from its start to its end, with the lines’ times', () => {
    // Arrange
    const state = operationState(operation());

    // Act
    applyEvent(
      state,
      ev('stack.started', {
        stack: 'network',
        line: line('01.000', 'network', 'Provisioning stack network'),
      }),
    );
    const running = { ...state.stacks[0] };
    applyEvent(
      state,
      ev('stack.finished', {
        stack: 'network',
        action: 'provisioned',
        resources: 3,
        line: line('03.500', 'network', 'Stack network provisioned (3 resources)'),
      }),
    );

    // Assert
    expect(running).toMatchObject({
      status: 'provisioning',
      done: false,
      startedAt: Date.parse('2026-12-01T04:00:01.000Z'),
    });
    expect(state.stacks[0]).toMatchObject({ status: 'provisioned', done: true });
    expect(elapsed(state.stacks[0] ?? { startedAt: undefined, finishedAt: undefined })).toBe('2.5s');
    expect(state.layerStartedAt.get(1)).toBe(Date.parse('2026-12-01T04:00:01.000Z'));
  });

  it('records failures and skips with their reasons, a layer.started (by the stacks it names), and the end’s final statuses', () => {
    // Arrange
    const state = operationState(operation());

    // Act
    applyEvent(
      state,
      ev('layer.started', {
        layer: 1,
        phase: 'walk',
        stacks: ['storage', 'compute-ec2'],
        line: line('05.000', null, 'Layer 1 started: storage, compute-ec2'),
      }),
    );
    applyEvent(
      state,
      ev('stack.failed', {
        stack: 'storage',
        error: 'boom',
        line: line('06.000', 'storage', 'Stack storage failed: boom'),
      }),
    );
    applyEvent(
      state,
      ev('stack.skipped', {
        stack: 'compute-ec2',
        reason: 'a dependency failed',
        line: line('06.100', 'compute-ec2', 'x'),
      }),
    );
    applyEvent(state, ev('progress', { status: 'running', layer: 2 }));
    applyEvent(
      state,
      ev('end', { status: 'failed', error: 'storage failed', stacks: { network: 'not_started' } }),
    );

    // Assert
    expect(state.layerStartedAt.get(2)).toBe(Date.parse('2026-12-01T04:00:05.000Z'));
    expect(state.stacks.map((s) => [s.name, s.status, s.done, s.reason])).toEqual([
      ['network', 'not_started', true, undefined],
      ['storage', 'failed', true, 'boom'],
      ['compute-ec2', 'skipped', true, 'a dependency failed'],
    ]);
    expect([state.status, state.error, state.ended]).toEqual(['failed', 'storage failed', true]);
  });

  it('settles a stopped stack from its plain line (stop has no stack.finished event)', () => {
    const state = operationState(operation('stop'));
    applyEvent(
      state,
      ev('stack.started', {
        stack: 'compute-ec2',
        line: line('01.000', 'compute-ec2', 'Stopping stack compute-ec2'),
      }),
    );
    expect(state.stacks[2]).toMatchObject({ status: 'stopping', done: false });
    applyEvent(state, ev('log', { line: line('02.000', 'compute-ec2', 'Stopped stack compute-ec2') }));
    expect(state.stacks[2]).toMatchObject({ status: 'stopped', done: true });
  });
});
