/**
 * The audit trail: who did what to which resource, when, and how it ended. Entries are
 * written by the HTTP stack for every mutating request; only Administrators read them.
 */
import type { Principal } from '../access.ts';
import { ForbiddenError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { AuditFilter, AuditRecord, Page, PageRequest } from '../model.ts';
import type { AuditStore } from '../ports.ts';

/** What the audit trail works with. */
export interface AuditDeps {
  audit: AuditStore;
}

/** The id prefixes of resources, in the order a path names them most specifically. */
const RESOURCE_PARAMETERS = [
  'deployment_id',
  'op_id',
  'env_id',
  'sa_id',
  'webhook_id',
  'project_id',
] as const;

export interface AuditedRequest {
  principal: Principal;
  action: string;
  method: string;
  path: string;
  pathParameters: Record<string, string | undefined> | null;
  status: number;
  requestId: string;
  /** The answer's body, to name a resource a create just made. */
  responseBody: unknown;
  at: string;
}

/** The resource a request acted on: what a create made, else the most specific path id. */
function resourceOf(request: AuditedRequest): string | null {
  const body = request.responseBody as { id?: unknown } | null;
  if (
    request.action.startsWith('create') &&
    typeof body?.id === 'string' &&
    /^(prj|env|op|dep|sa|wh)_/.test(body.id)
  ) {
    return body.id;
  }
  for (const name of RESOURCE_PARAMETERS) {
    const value = request.pathParameters?.[name];
    if (value) return value;
  }
  return null;
}

export function auditEntry(request: AuditedRequest): AuditRecord {
  return {
    id: newId('aud'),
    timestamp: request.at,
    actor_id: request.principal.userId,
    actor_email: request.principal.email,
    role: request.principal.role,
    action: request.action,
    method: request.method,
    path: request.path,
    resource_id: resourceOf(request),
    status: request.status,
    outcome: request.status < 400 ? 'success' : 'failure',
    request_id: request.requestId,
  };
}

/** Records the audit entry of a request (the HTTP stack calls it once the answer is known). */
export async function recordAuditEntry(deps: AuditDeps, request: AuditedRequest): Promise<void> {
  await deps.audit.append(auditEntry(request));
}

export function listAudit(
  deps: AuditDeps,
  principal: Principal,
  filter: AuditFilter,
  page: PageRequest,
): Promise<Page<AuditRecord>> {
  if (principal.role !== 'Administrators')
    throw new ForbiddenError('Only Administrators can read the audit log');
  return deps.audit.list(filter, page);
}
