/** The web console's stack graph layout (console/src/graph.ts, §41): pure, so tested here. */
import { describe, expect, it } from 'vitest';
import { layoutGraph, NODE, statusAfter } from '../../console/src/graph.ts';

describe('the stack graph layout', () => {
  it('puts each layer in its own column, in layer order, and an edge per dependency', () => {
    // Arrange
    const stacks = [
      { name: 'app', layer: 3, dependsOn: ['db', 'network'], status: 'pending' },
      { name: 'network', layer: 1, dependsOn: [], status: 'provisioned' },
      { name: 'db', layer: 2, dependsOn: ['network'], status: 'provisioning' },
      { name: 'cache', layer: 2, dependsOn: ['network', 'missing'], status: 'failed' },
    ];

    // Act
    const graph = layoutGraph(stacks);

    // Assert
    expect(graph.layers).toEqual([1, 2, 3]);
    const column = (name: string) => graph.nodes.find((n) => n.name === name)?.x;
    const step = NODE.width + NODE.columnGap;
    expect([column('network'), column('db'), column('cache'), column('app')]).toEqual([
      NODE.padding,
      NODE.padding + step,
      NODE.padding + step,
      NODE.padding + 2 * step,
    ]);
    // Stacks of a layer by name, top to bottom.
    expect(graph.nodes.filter((n) => n.layer === 2).map((n) => n.name)).toEqual(['cache', 'db']);
    expect(graph.edges.map((e) => `${e.from.name}->${e.to.name}`).sort()).toEqual([
      'db->app',
      'network->app',
      'network->cache',
      'network->db',
    ]);
    expect(graph.width).toBe(NODE.padding * 2 + 3 * NODE.width + 2 * NODE.columnGap);
    expect(graph.height).toBe(NODE.padding * 2 + NODE.header + 2 * NODE.height + NODE.rowGap);
  });

  it('moves a stack’s status with the stream’s events', () => {
    expect(statusAfter('stack.started', {}, 'pending')).toBe('provisioning');
    expect(statusAfter('stack.finished', { action: 'provisioned' }, 'provisioning')).toBe('provisioned');
    expect(statusAfter('stack.finished', { action: 'destroyed' }, 'destroying')).toBe('destroyed');
    expect(statusAfter('stack.failed', {}, 'provisioning')).toBe('failed');
    expect(statusAfter('stack.skipped', {}, 'pending')).toBe('skipped');
    expect(statusAfter('log', {}, 'provisioning')).toBe('provisioning');
  });
});
