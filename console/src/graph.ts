/**
 * The layout of a run's stack graph: one column per layer (left to right, in the order the
 * workflow walks them), stacks stacked in each column, and an edge from each dependency to its
 * dependant. Pure, so it is easy to reason about and test.
 */

export interface GraphStack {
  name: string;
  layer: number;
  dependsOn: string[];
  status: string;
}

export interface PlacedStack extends GraphStack {
  x: number;
  y: number;
}

export interface Edge {
  from: PlacedStack;
  to: PlacedStack;
}

export interface GraphLayout {
  width: number;
  height: number;
  layers: number[];
  nodes: PlacedStack[];
  edges: Edge[];
}

export const NODE = { width: 150, height: 40, columnGap: 60, rowGap: 16, padding: 12, header: 22 };

export function layoutGraph(stacks: readonly GraphStack[]): GraphLayout {
  const layers = [...new Set(stacks.map((s) => s.layer))].sort((a, b) => a - b);
  const nodes: PlacedStack[] = [];
  let rows = 0;
  layers.forEach((layer, column) => {
    const inLayer = stacks.filter((s) => s.layer === layer).sort((a, b) => a.name.localeCompare(b.name));
    rows = Math.max(rows, inLayer.length);
    inLayer.forEach((stack, row) => {
      nodes.push({
        ...stack,
        x: NODE.padding + column * (NODE.width + NODE.columnGap),
        y: NODE.padding + NODE.header + row * (NODE.height + NODE.rowGap),
      });
    });
  });
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const edges = nodes.flatMap((to) =>
    to.dependsOn.flatMap((name) => {
      const from = byName.get(name);
      return from ? [{ from, to }] : [];
    }),
  );
  return {
    width:
      NODE.padding * 2 +
      Math.max(1, layers.length) * NODE.width +
      Math.max(0, layers.length - 1) * NODE.columnGap,
    height:
      NODE.padding * 2 + NODE.header + Math.max(1, rows) * NODE.height + Math.max(0, rows - 1) * NODE.rowGap,
    layers,
    nodes,
    edges,
  };
}

/** Stack statuses after a stream event (`stack.started`, `stack.finished`, …, `end`). */
export function statusAfter(type: string, data: Record<string, unknown>, current: string): string {
  switch (type) {
    case 'stack.started':
      return current === 'destroyed' || current === 'provisioned' ? current : 'provisioning';
    case 'stack.finished':
      return data.action === 'destroyed' ? 'destroyed' : 'provisioned';
    case 'stack.failed':
      return 'failed';
    case 'stack.skipped':
      return 'skipped';
    default:
      return current;
  }
}
