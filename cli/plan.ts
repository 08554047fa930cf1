/** A dry run's plan as a table: one row per stack with its change, then the cost delta. */
import type { components } from './api/schema.ts';
import { table } from './output.ts';

type Plan = components['schemas']['Plan'];

export function planText(plan: Plan): string {
  const rows = plan.layers.flatMap((layer) =>
    layer.stacks.map((s) => [
      String(layer.position),
      s.name,
      s.change,
      `$${s.estimated_monthly_cost_usd.toFixed(2)}`,
      s.reason ?? '',
    ]),
  );
  const counts = ['create', 'replace', 'delete']
    .map((change) => `${rows.filter((r) => r[2] === change).length} to ${change}`)
    .join(', ');
  const delta = plan.cost_delta_usd;
  return [
    table(['LAYER', 'STACK', 'CHANGE', 'COST/MONTH', 'REASON'], rows),
    `\nPlan (${plan.action}): ${counts}; cost delta ${delta >= 0 ? '+' : '-'}$${Math.abs(delta).toFixed(2)}/month`,
  ].join('\n');
}
