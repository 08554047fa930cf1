import { describe, expect, it } from 'vitest';
import { detectDrift } from '../../../functions/domain/drift-rules.ts';
import type { StackRecord } from '../../../functions/domain/model.ts';
import { criticalPath, layeredDuration, stackSeconds } from '../../../functions/domain/plan-rules.ts';

describe('plan durations', () => {
  const graph = { network: [], security: ['network'], dns: ['network'], database: ['network', 'security'] };
  const seconds: Record<string, number> = { network: 100, security: 30, dns: 200, database: 300 };

  it('follow the longest dependency chain for the critical path', () => {
    expect(criticalPath(Object.keys(graph), graph, (s) => seconds[s] ?? 0)).toEqual({
      stacks: ['network', 'security', 'database'],
      seconds: 430,
    });
  });

  it('only count the planned stacks', () => {
    expect(criticalPath(['dns'], graph, (s) => seconds[s] ?? 0)).toEqual({ stacks: ['dns'], seconds: 200 });
  });

  it('last as long as each layer’s slowest stack, one layer after another', () => {
    const layers = [
      { stacks: [{ estimated_seconds: 100 }] },
      { stacks: [{ estimated_seconds: 30 }, { estimated_seconds: 200 }] },
      { stacks: [{ estimated_seconds: 300 }] },
    ];
    expect(layeredDuration(layers)).toBe(600);
  });

  it('use an environment’s own draw when it exists, else the midpoint of the range', () => {
    const env = { id: 'env_01jd8x3k5m7n9p1q3r5s7t9v1w', attempt: 1 };
    expect(stackSeconds('network', 'provision', env)).toBe(stackSeconds('network', 'provision', env));
    expect(Number.isInteger(stackSeconds('network', 'provision', null))).toBe(true);
    expect(stackSeconds('unknown-stack', 'provision', null)).toBe(0);
  });
});

describe('drift', () => {
  const stack = {
    name: 'network',
    operation_id: 'op_1',
    resources: [
      {
        type: 'AWS::EC2::VPC',
        logical_id: 'Vpc',
        id: 'vpc-1',
        arn: '',
        properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true },
        monthly_cost_usd: 0,
      },
      { type: 'AWS::EC2::EIP', logical_id: 'Eip', id: 'eip-1', arn: '', properties: {}, monthly_cost_usd: 0 },
      {
        type: 'AWS::EC2::Subnet',
        logical_id: 'Subnet',
        id: 'subnet-1',
        arn: '',
        properties: { MapPublicIpOnLaunch: false, Size: 256 },
        monthly_cost_usd: 0,
      },
    ],
  } as unknown as StackRecord;

  it('finds nothing without a drift rate', () => {
    expect(detectDrift('env_1', stack, 0)).toEqual([]);
  });

  it('changes one property of every resource at rate 1, keeping its kind, or tags one without properties', () => {
    const changes = detectDrift('env_1', stack, 1);
    expect(changes.map((c) => c.logical_id)).toEqual(['Vpc', 'Eip', 'Subnet']);
    for (const change of changes) {
      expect(change.actual).not.toEqual(change.expected);
      if (change.expected !== null) expect(typeof change.actual).toBe(typeof change.expected);
    }
    expect(changes[1]).toMatchObject({ property: 'Tags.ModifiedBy', expected: null, actual: 'console' });
  });

  it('is reproducible until the stack is redeployed by another operation', () => {
    expect(detectDrift('env_1', stack, 0.5)).toEqual(detectDrift('env_1', stack, 0.5));
    const redeployed = { ...stack, operation_id: 'op_2' };
    const rates = Array.from({ length: 20 }, (_, i) => detectDrift(`env_${i}`, redeployed, 0.5).length);
    expect(rates.some((n) => n > 0)).toBe(true);
    expect(rates.some((n) => n < 3)).toBe(true);
  });
});
