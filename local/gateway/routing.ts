/**
 * Routing as API Gateway does it for a REST API: the stage is the first segment of every
 * path, the rest (the resource path) is matched against the route table's templates
 * (`{param}`, greedy `{proxy+}`), and a literal segment wins over a parameter.
 */
import type { RouteDefinition } from '../../functions/api/route-types.ts';

interface CompiledRoute {
  route: RouteDefinition;
  /** Literal segments as strings, parameters as `{ param }`, a greedy `{proxy+}` as `{ param, greedy }`. */
  segments: (string | { param: string; greedy: boolean })[];
}

/** The route a request matched. */
export interface RouteMatch {
  route: RouteDefinition;
  /** The decoded path parameters (empty when the template has none). */
  params: Record<string, string>;
  /** The path without the stage, API Gateway's `path`. */
  resourcePath: string;
}

/** Finds the route of `method` and a request's path (with the stage); undefined when none matches. */
export type Router = (method: string, fullPath: string) => RouteMatch | undefined;

function compileRoute(route: RouteDefinition): CompiledRoute {
  const segments = route.path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const match = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      return match ? { param: match[1] ?? '', greedy: match[2] === '+' } : segment;
    });
  return { route, segments };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Matches `segments` against a route; returns the (decoded) path parameters, or undefined. */
function matchRoute(compiled: CompiledRoute, segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < compiled.segments.length; i++) {
    const pattern = compiled.segments[i];
    const actual = segments[i];
    if (pattern === undefined) return undefined;
    if (typeof pattern === 'object' && pattern.greedy) {
      if (i >= segments.length) return undefined;
      params[pattern.param] = segments.slice(i).map(decode).join('/');
      return params;
    }
    if (actual === undefined || actual === '') return undefined;
    if (typeof pattern === 'string') {
      if (pattern !== actual) return undefined;
    } else {
      params[pattern.param] = decode(actual);
    }
  }
  return compiled.segments.length === segments.length ? params : undefined;
}

/** API Gateway prefers literal segments over parameters: `/a/b` wins over `/a/{x}`. */
function moreSpecific(a: CompiledRoute, b: CompiledRoute): number {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const aLiteral = typeof a.segments[i] === 'string';
    const bLiteral = typeof b.segments[i] === 'string';
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
}

/** Compiles the route table once; the router then serves `/<stage>/<resource path>`. */
export function createRouter(routes: readonly RouteDefinition[], stage: string): Router {
  const compiled = routes.map(compileRoute);
  const stagePrefix = `/${stage}`;
  return (method, fullPath) => {
    if (fullPath !== stagePrefix && !fullPath.startsWith(`${stagePrefix}/`)) return undefined;
    const resourcePath = fullPath.slice(stagePrefix.length) || '/';
    const segments = resourcePath.split('/').slice(1);
    if (segments.length === 1 && segments[0] === '') segments.pop();
    let found: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
    for (const candidate of compiled) {
      if (candidate.route.method !== method) continue;
      const params = matchRoute(candidate, segments);
      if (params && (!found || moreSpecific(candidate, found.compiled) < 0)) {
        found = { compiled: candidate, params };
      }
    }
    return found ? { route: found.compiled.route, params: found.params, resourcePath } : undefined;
  };
}
