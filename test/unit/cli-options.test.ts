/** envctl's pure helpers: `--param` parsing and the plan table. */
import { describe, expect, it } from 'vitest';
import { collectParam } from '../../cli/commands/common.ts';
import { planText } from '../../cli/plan.ts';

describe('--param', () => {
  it('nests dotted keys and reads JSON values, keeping other text as strings', () => {
    // Arrange
    const args = ['simulate.fail_stacks=["security"]', 'simulate.failure_rate=0.5', 'size=small', 'a=b=c'];
    // Act
    const params = args.reduce<Record<string, unknown>>((acc, arg) => collectParam(arg, acc), {});
    // Assert
    expect(params).toEqual({
      simulate: { fail_stacks: ['security'], failure_rate: 0.5 },
      size: 'small',
      a: 'b=c',
    });
  });

  it('refuses an argument with no key', () => {
    expect(() => collectParam('=1')).toThrow('--param takes key=value, got =1');
  });
});

describe('the plan table', () => {
  it('lists each stack with its change and cost, then the counts and the cost delta', () => {
    // Arrange
    const stack = (name: string, layer: number, change: 'create' | 'replace' | 'delete', cost: number) => ({
      name,
      layer,
      depends_on: [],
      change,
      reason: change === 'replace' ? 'parameter size changed' : null,
      changed_parameters: [],
      resources: [],
      estimated_monthly_cost_usd: cost,
      estimated_seconds: 1,
    });
    const plan = {
      action: 'update' as const,
      dry_run: true as const,
      environment_id: null,
      template: 'default',
      layers: [
        { position: 1, stacks: [stack('network', 1, 'create', 10)] },
        { position: 2, stacks: [stack('database', 2, 'replace', 42.5), stack('cache', 2, 'delete', 7)] },
      ],
      stack_count: 3,
      estimated_monthly_cost_usd: 52.5,
      cost_delta_usd: -3.25,
      expected_duration_seconds: 3,
      critical_path: { stacks: ['network', 'database'], seconds: 2 },
      quota: [],
      note: null,
    };
    // Act
    const text = planText(plan);
    // Assert
    expect(text).toBe(
      [
        'LAYER  STACK     CHANGE   COST/MONTH  REASON',
        '1      network   create   $10.00',
        '2      database  replace  $42.50      parameter size changed',
        '2      cache     delete   $7.00',
        '',
        'Plan (update): 1 to create, 1 to replace, 1 to delete; cost delta -$3.25/month',
      ].join('\n'),
    );
  });
});
