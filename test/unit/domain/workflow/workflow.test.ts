import { describe, expect, it } from 'vitest';
import { newOperation } from '../../../../functions/domain/lifecycle.ts';
import type { StackRecord } from '../../../../functions/domain/model.ts';
import { failureReason } from '../../../../functions/domain/workflow/failure.ts';
import { actionOf, planLayers } from '../../../../functions/domain/workflow/planning.ts';

function stack(
  name: string,
  layer: number,
  status: StackRecord['status'],
  operation_id: string | null = null,
) {
  return { name, layer, status, operation_id, depends_on: [] } as unknown as StackRecord;
}

function operation(kind: Parameters<typeof newOperation>[1], targets: string[] | null = null) {
  return {
    ...newOperation('env_1', kind, 'user', 0, 0, '2026-11-22T00:00:00.000Z', { targets }),
    id: 'op_1',
  };
}

describe('planLayers', () => {
  const stacks = [
    stack('network', 1, 'pending'),
    stack('secrets', 1, 'pending'),
    stack('security', 2, 'pending'),
    stack('database-rds', 3, 'pending'),
  ];

  it('walks layers upwards for provision and downwards for destroy, renumbered from 1', () => {
    expect(planLayers(stacks, operation('provision'))).toEqual([
      { layer: 1, stacks: ['network', 'secrets'] },
      { layer: 2, stacks: ['security'] },
      { layer: 3, stacks: ['database-rds'] },
    ]);
    const provisioned = stacks.map((s) => ({ ...s, status: 'provisioned' as const }));
    expect(planLayers(provisioned, operation('destroy')).map((l) => l.stacks)).toEqual([
      ['database-rds'],
      ['security'],
      ['network', 'secrets'],
    ]);
  });

  it('picks up stacks left half-way (by this or an earlier operation) and skips what this one finished', () => {
    const interrupted = [
      stack('network', 1, 'provisioned', 'op_1'),
      stack('secrets', 1, 'provisioned', 'op_0'),
      stack('security', 2, 'provisioning', 'op_1'),
      stack('dns', 2, 'provisioning', 'op_other'),
      stack('database-rds', 3, 'pending'),
    ];
    expect(planLayers(interrupted, operation('provision'))).toEqual([
      { layer: 1, stacks: ['dns', 'security'] },
      { layer: 2, stacks: ['database-rds'] },
    ]);
  });

  it('re-provisions only an update’s targets, provisioned or not', () => {
    const running = stacks.map((s) => ({ ...s, status: 'provisioned' as const }));
    expect(planLayers(running, operation('update', ['database-rds', 'security']))).toEqual([
      { layer: 1, stacks: ['security'] },
      { layer: 2, stacks: ['database-rds'] },
    ]);
  });

  it('stops and starts only compute stacks', () => {
    const running = [
      stack('network', 1, 'provisioned'),
      stack('compute-lambda', 3, 'provisioned'),
      stack('compute-ec2', 3, 'provisioned'),
    ];
    expect(planLayers(running, operation('stop'))).toEqual([
      { layer: 1, stacks: ['compute-ec2', 'compute-lambda'] },
    ]);
    const stopped = running.map((s) => (s.name === 'network' ? s : { ...s, status: 'stopped' as const }));
    expect(planLayers(stopped, operation('start')).map((l) => l.stacks)).toEqual([
      ['compute-ec2', 'compute-lambda'],
    ]);
  });
});

describe('actionOf', () => {
  it('maps kinds and phases to stack actions', () => {
    expect(actionOf('update', 'walk')).toBe('provision');
    expect(actionOf('provision', 'rollback')).toBe('destroy');
    expect(actionOf('stop', 'walk')).toBe('stop');
  });
});

describe('failureReason', () => {
  it('passes user-facing messages through and hides everything else', () => {
    const stale = {
      Error: 'StaleOperationError',
      Cause: JSON.stringify({ errorMessage: 'A dependency of x is gone' }),
    };
    expect(failureReason(stale)).toBe('A dependency of x is gone');
    const simulated = {
      Error: 'StackFailedError',
      Cause: JSON.stringify({ errorMessage: 'Simulated failure' }),
    };
    expect(failureReason(simulated)).toBe('Simulated failure');
    const transient = { Error: 'TransientStackError', Cause: JSON.stringify({ errorMessage: 'Throttling' }) };
    expect(failureReason(transient)).toBe('Throttling (still failing after retries)');
    const internal = {
      Error: 'ResourceNotFoundException',
      Cause: JSON.stringify({ errorMessage: 'table t missing' }),
    };
    expect(failureReason(internal)).toBe('The operation failed because of an internal error');
    expect(failureReason({ Error: 'States.Timeout' })).toBe('The step timed out');
    expect(failureReason(undefined)).toBe('The operation failed because of an internal error');
  });
});
