import { describe, expect, it } from 'vitest';
import type { StackRecord } from '../../../../functions/domain/model.ts';
import { failureReason, planLayers } from '../../../../functions/domain/services/workflow.ts';

function stack(
  name: string,
  layer: number,
  status: StackRecord['status'],
  operation_id: string | null = null,
) {
  return { name, layer, status, operation_id } as StackRecord;
}

describe('planLayers', () => {
  const stacks = [
    stack('network', 1, 'pending'),
    stack('secrets', 1, 'pending'),
    stack('security', 2, 'pending'),
    stack('database-rds', 3, 'pending'),
  ];

  it('walks layers upwards for provision and downwards for destroy, renumbered from 1', () => {
    expect(planLayers(stacks, 'provision', 'op_1')).toEqual([
      { layer: 1, stacks: ['network', 'secrets'] },
      { layer: 2, stacks: ['security'] },
      { layer: 3, stacks: ['database-rds'] },
    ]);
    const provisioned = stacks.map((s) => ({ ...s, status: 'provisioned' as const }));
    expect(planLayers(provisioned, 'destroy', 'op_2').map((l) => l.stacks)).toEqual([
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
    expect(planLayers(interrupted, 'provision', 'op_1')).toEqual([
      { layer: 1, stacks: ['dns', 'security'] },
      { layer: 2, stacks: ['database-rds'] },
    ]);
  });
});

describe('failureReason', () => {
  it('passes user-facing messages through and hides everything else', () => {
    const stale = {
      Error: 'StaleOperationError',
      Cause: JSON.stringify({ errorMessage: 'A dependency of x is gone' }),
    };
    expect(failureReason(stale)).toBe('A dependency of x is gone');
    const internal = {
      Error: 'ResourceNotFoundException',
      Cause: JSON.stringify({ errorMessage: 'table t missing' }),
    };
    expect(failureReason(internal)).toBe('The operation failed because of an internal error');
    expect(failureReason({ Error: 'States.Timeout' })).toBe('The operation timed out');
    expect(failureReason(undefined)).toBe('The operation failed because of an internal error');
  });
});
