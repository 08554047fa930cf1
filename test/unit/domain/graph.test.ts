import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DependencyCycleError, MissingDependencyError } from '../../../functions/domain/errors.ts';
import {
  computeLayers,
  type DependencyGraph,
  dependantsOf,
  dependenciesOf,
  findCycle,
  layerNumbers,
  restrictGraph,
} from '../../../functions/domain/graph.ts';

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** Every edge of the closed path is an edge of the graph, and the path starts where it ends. */
function isGenuineCycle(graph: DependencyGraph, cycle: readonly string[]): boolean {
  if (cycle.length < 2 || cycle[0] !== cycle[cycle.length - 1]) return false;
  return cycle.slice(1).every((to, i) => (graph[cycle[i] as string] ?? []).includes(to));
}

/** A random DAG: stack i may only depend on stacks with a smaller index. */
const dagArbitrary = fc
  .integer({ min: 1, max: 25 })
  .chain((size) =>
    fc.tuple(
      fc.constant(size),
      fc.array(fc.array(fc.nat({ max: 1000 }), { maxLength: 4 }), { minLength: size, maxLength: size }),
      fc.shuffledSubarray(
        Array.from({ length: size }, (_, i) => i),
        { minLength: size, maxLength: size },
      ),
    ),
  )
  .map(([size, picks, order]) => {
    const names = order.map((i) => `s${String(i).padStart(2, '0')}`);
    const graph: Record<string, string[]> = {};
    for (let i = 0; i < size; i++) {
      const deps = i === 0 ? [] : (picks[i] ?? []).map((p) => names[p % i] as string);
      graph[names[i] as string] = deps;
    }
    return graph;
  });

describe('computeLayers', () => {
  it('puts independent stacks in layer 1, sorted by name', () => {
    const layers = computeLayers({ b: [], a: [], c: [] });

    expect(layers).toEqual([['a', 'b', 'c']]);
  });

  it('places each stack one layer above its deepest dependency', () => {
    const graph = { app: ['db', 'net'], db: ['net'], net: [], cdn: [] };

    const layers = computeLayers(graph);

    expect(layers).toEqual([['cdn', 'net'], ['db'], ['app']]);
  });

  it('returns no layers for an empty graph', () => {
    expect(computeLayers({})).toEqual([]);
  });

  it('names a cycle as a closed path', () => {
    const graph = { a: ['b'], b: ['c'], c: ['a'], d: [] };

    const error = catchError(() => computeLayers(graph));

    expect(error).toBeInstanceOf(DependencyCycleError);
    expect((error as DependencyCycleError).cycle).toEqual(['a', 'b', 'c', 'a']);
    expect((error as DependencyCycleError).message).toContain('a → b → c → a');
  });

  it('names a self-dependency as a cycle', () => {
    const error = catchError(() => computeLayers({ a: ['a'] }));

    expect((error as DependencyCycleError).cycle).toEqual(['a', 'a']);
  });

  it('names only the stacks of the cycle, not the path that led to it', () => {
    const graph = { entry: ['x'], x: ['y'], y: ['x'] };

    const error = catchError(() => computeLayers(graph));

    expect((error as DependencyCycleError).cycle).toEqual(['x', 'y', 'x']);
  });

  it('lists every unknown dependency', () => {
    const graph = { a: ['ghost'], b: ['a', 'phantom', 'ghost'] };

    const error = catchError(() => computeLayers(graph));

    expect(error).toBeInstanceOf(MissingDependencyError);
    expect((error as MissingDependencyError).missing).toEqual([
      { stack: 'a', dependency: 'ghost' },
      { stack: 'b', dependency: 'phantom' },
      { stack: 'b', dependency: 'ghost' },
    ]);
  });

  it('reports missing dependencies before cycles', () => {
    const error = catchError(() => computeLayers({ a: ['b'], b: ['a', 'ghost'] }));

    expect(error).toBeInstanceOf(MissingDependencyError);
  });

  it('does not mistake Object.prototype members for stacks', () => {
    const error = catchError(() => computeLayers({ a: ['constructor', 'toString'] }));

    expect((error as MissingDependencyError).missing.map((m) => m.dependency)).toEqual([
      'constructor',
      'toString',
    ]);
  });

  it('handles a long chain without overflowing the stack', () => {
    const graph: Record<string, string[]> = { n0: [] };
    for (let i = 1; i < 20_000; i++) graph[`n${i}`] = [`n${i - 1}`];

    const layers = computeLayers(graph);

    expect(layers).toHaveLength(20_000);
    expect(layers[19_999]).toEqual(['n19999']);
  });

  it('property: every stack is exactly one layer above its deepest dependency', () => {
    fc.assert(
      fc.property(dagArbitrary, (graph) => {
        const layers = computeLayers(graph);
        const layerOf = layerNumbers(layers);

        expect(layers.flat().sort()).toEqual(Object.keys(graph).sort());
        for (const [stack, deps] of Object.entries(graph)) {
          const own = layerOf[stack] as number;
          for (const dep of deps) expect(own).toBeGreaterThan(layerOf[dep] as number);
          expect(own).toBe(1 + Math.max(0, ...deps.map((d) => layerOf[d] as number)));
        }
        for (const layer of layers) expect(layer).toEqual([...layer].sort());
      }),
    );
  });

  it('property: a graph with an injected cycle is rejected with a genuine cycle of the graph', () => {
    const withCycle = dagArbitrary
      .filter((graph) => Object.keys(graph).length >= 2)
      .chain((graph) => {
        const names = Object.keys(graph);
        return fc.tuple(fc.constant(graph), fc.subarray(names, { minLength: 1 }));
      })
      .map(([graph, members]) => {
        // Close a ring through the chosen stacks: m0 → m1 → … → m0.
        const cyclic: Record<string, string[]> = structuredClone(graph);
        members.forEach((stack, i) => {
          const next = members[(i + 1) % members.length] as string;
          cyclic[stack] = [...(cyclic[stack] ?? []), next];
        });
        return cyclic;
      });

    fc.assert(
      fc.property(withCycle, (graph) => {
        const error = catchError(() => computeLayers(graph));

        expect(error).toBeInstanceOf(DependencyCycleError);
        expect(isGenuineCycle(graph, (error as DependencyCycleError).cycle)).toBe(true);
        expect(isGenuineCycle(graph, findCycle(graph) ?? [])).toBe(true);
      }),
    );
  });
});

describe('layerNumbers', () => {
  it('maps each stack to its 1-based layer', () => {
    expect(layerNumbers([['a', 'b'], ['c']])).toEqual({ a: 1, b: 1, c: 2 });
  });
});

describe('dependantsOf and dependenciesOf', () => {
  const graph = { net: [], sec: ['net'], db: ['net', 'sec'], api: ['db'], cdn: [] };

  it('lists direct and transitive dependants, sorted', () => {
    expect(dependantsOf(graph, 'net')).toEqual(['api', 'db', 'sec']);
    expect(dependantsOf(graph, 'api')).toEqual([]);
    expect(dependantsOf(graph, 'unknown')).toEqual([]);
  });

  it('lists direct and transitive dependencies, sorted', () => {
    expect(dependenciesOf(graph, 'api')).toEqual(['db', 'net', 'sec']);
    expect(dependenciesOf(graph, 'net')).toEqual([]);
  });

  it('terminates on a cyclic graph and never lists the stack itself', () => {
    expect(dependantsOf({ a: ['b'], b: ['a'] }, 'a')).toEqual(['b']);
  });
});

describe('restrictGraph', () => {
  it('keeps the chosen stacks and the edges between them', () => {
    const graph = { net: [], sec: ['net'], db: ['net', 'sec'], api: ['db'] };

    expect(restrictGraph(graph, ['api', 'net', 'sec', 'missing'])).toEqual({
      api: [],
      net: [],
      sec: ['net'],
    });
  });
});
