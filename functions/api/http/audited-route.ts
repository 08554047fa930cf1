/**
 * The handler of a route that changes something (`write` access): the shared HTTP stack
 * plus the audit entry of every request, whatever its answer (docs/decisions.md §18), and,
 * for routes flagged `idempotent`, `Idempotency-Key` replays (docs/decisions.md §34).
 */
import type { RouteDefinition } from '../route-types.ts';
import { recordAudit } from './audit.ts';
import { type HttpRequest, type HttpResponse, type RouteHandler, routeHandler } from './http.ts';
import { idempotent } from './idempotency.ts';

export function auditedRoute<R extends RouteDefinition & { access: 'write' }>(
  route: R,
  impl: (request: HttpRequest<R>) => Promise<HttpResponse>,
): RouteHandler {
  return routeHandler(route, route.idempotent ? idempotent(route, impl) : impl, recordAudit);
}
