/**
 * Writes the audit entry of a mutating request (routes with `write` access), whatever
 * its outcome, once the answer is known. Best effort: a lost audit write is logged and
 * never turns a successful change into an error.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { auditDeps } from '../../app/dependencies.ts';
import { type Principal, principalFromClaims } from '../../domain/access.ts';
import { nowIso } from '../../domain/ids.ts';
import { recordAuditEntry } from '../../domain/use-cases/audit.ts';
import { httpConfig } from '../../platform/config.ts';
import { logger } from '../../platform/observability.ts';
import type { RouteDefinition } from '../route-types.ts';

function callerOf(event: APIGatewayProxyEvent): Principal | null {
  try {
    return principalFromClaims(event.requestContext?.authorizer?.claims, httpConfig().DEFAULT_ROLE);
  } catch {
    // No verified caller (the authorizer refuses those before the function runs in AWS).
    return null;
  }
}

function bodyOf(response: APIGatewayProxyResult): unknown {
  try {
    return response.body ? JSON.parse(response.body) : null;
  } catch {
    return null;
  }
}

export async function recordAudit(
  route: RouteDefinition,
  event: APIGatewayProxyEvent,
  response: APIGatewayProxyResult | undefined,
  requestId: string,
): Promise<void> {
  if (route.access !== 'write' || !response) return;
  const principal = callerOf(event);
  if (!principal) return;
  try {
    await recordAuditEntry(auditDeps, {
      principal,
      action: route.operationId,
      method: route.method,
      // A dry run changes nothing: the entry says it was one.
      path: event.queryStringParameters?.dry_run === 'true' ? `${event.path}?dry_run=true` : event.path,
      pathParameters: event.pathParameters,
      status: response.statusCode,
      requestId,
      responseBody: bodyOf(response),
      at: nowIso(),
    });
  } catch (error) {
    logger.warn('Audit entry not written', { error: error as Error, requestId, action: route.operationId });
  }
}
