import { computeLayers, type DependencyGraph, findCycle, findMissingDependencies } from '../graph.ts';
import type { DependencyValidationValue } from '../validation-documents.ts';

// ---------------------------------------------------------------- validate/dependencies

/**
 * The graph of a `POST /validate/dependencies` document, in either of its shapes: lists
 * (`{"db": ["network"]}`) or the seed's objects (`{"db": {"dependencies": ["network"]}}`).
 */
export function dependencyGraphOf(
  stacks:
    | Readonly<Record<string, readonly string[]>>
    | Readonly<Record<string, { dependencies: readonly string[] }>>,
): DependencyGraph {
  return Object.fromEntries(
    Object.entries(stacks).map(
      ([name, value]: [string, readonly string[] | { dependencies: readonly string[] }]) => [
        name,
        Array.isArray(value) ? value : (value as { dependencies: readonly string[] }).dependencies,
      ],
    ),
  );
}

/** Layers of a dependency graph, or its missing dependencies and/or one cycle, named. */
export function validateDependencies(graph: DependencyGraph): DependencyValidationValue {
  const missing = findMissingDependencies(graph);
  const cycle = findCycle(graph);
  if (missing.length === 0 && cycle === null) return { valid: true, layers: computeLayers(graph) };
  const messages = [
    ...(missing.length
      ? [`unknown dependencies: ${missing.map((m) => `${m.stack} → ${m.dependency}`).join(', ')}`]
      : []),
    ...(cycle ? [`dependency cycle: ${cycle.join(' → ')}`] : []),
  ];
  return {
    valid: false,
    message: messages.join('; '),
    ...(cycle ? { cycle } : {}),
    ...(missing.length ? { missing } : {}),
  };
}
