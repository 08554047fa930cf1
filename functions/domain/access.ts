/**
 * Who may see and change what (DESIGN.md §4 "Roles"). Pure rules on a `Principal`
 * built from the Cognito ID token's claims as API Gateway passes them (every value a
 * string).
 *
 * - Developers see and change their own resources;
 * - ReadOnly see everyone's and change nothing (403 on writes);
 * - Administrators see and change everything;
 * - a service account (group `ServiceAccounts`, docs/decisions.md §44) is confined to one
 *   project: it sees that project and its environments (whoever owns them) and nothing else;
 *   a `deployer` changes them like a Developer, a `viewer` only reads (like ReadOnly).
 * A resource the caller may not see answers 404, never 403, so existence never leaks.
 */

import { ForbiddenError, NotFoundError, UnauthorizedError } from './errors.ts';
import { ROLES, type RoleValue, SERVICE_ACCOUNT_ROLES, type ServiceAccountRoleValue } from './vocabulary.ts';

/** The Cognito group of service accounts (pipelines), next to the role groups. */
export const SERVICE_ACCOUNTS_GROUP = 'ServiceAccounts';

/** The domain of service accounts' usernames (a reserved TLD: no mail is ever sent). */
export const SERVICE_ACCOUNT_DOMAIN = 'service-accounts.invalid';

/** What confines a service account: its project and role, from the token's custom claims. */
export interface ServiceAccountScope {
  /** `sa_…`, from the username `sa-<id>@service-accounts.invalid`. */
  id: string;
  projectId: string;
  role: ServiceAccountRoleValue;
}

/** The two facts every access rule needs about a resource: who owns it, which project holds it. */
export interface ResourceRef {
  ownerId: string;
  /** Null when the record at hand does not name it (then a service account is refused: read the environment). */
  projectId: string | null;
}

export interface Principal {
  /** Cognito `sub`: the stable user id that owns resources. */
  userId: string;
  email: string | null;
  name: string | null;
  groups: string[];
  /**
   * The effective role, from the most privileged group; a service account's is `Developers`
   * (deployer) or `ReadOnly` (viewer), confined to its project by `serviceAccount`.
   */
  role: RoleValue;
  /** Set for a service account only. */
  serviceAccount?: ServiceAccountScope;
}

/** Most privileged first: the first of these groups a user is in is their role. */
const ROLE_ORDER: readonly RoleValue[] = ROLES;

/**
 * Groups arrive as one string through API Gateway (`"Administrators,Developers"`, and
 * some integrations render arrays as `"[Administrators Developers]"`), or as an array
 * when a caller passes decoded claims; accept all of these.
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string' && g.length > 0);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.trim())
    .filter((g) => g.length > 0);
}

/** The most privileged known group wins; a user in no known group gets `defaultRole`. */
export function effectiveRole(groups: readonly string[], defaultRole: RoleValue): RoleValue {
  return ROLE_ORDER.find((role) => groups.includes(role)) ?? defaultRole;
}

/**
 * Builds the caller from the authorizer's claims. Only ID tokens are accepted: the
 * authorizer (and the local gateway) already verified signature, expiry and audience;
 * this re-checks the token use as defence in depth.
 */
export function principalFromClaims(
  claims: Readonly<Record<string, unknown>> | null | undefined,
  defaultRole: RoleValue,
): Principal {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new UnauthorizedError();
  const tokenUse = claims?.token_use;
  if (tokenUse !== undefined && tokenUse !== 'id') throw new UnauthorizedError('An ID token is required');
  const groups = parseGroups(claims?.['cognito:groups']);
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  const email = text(claims?.email);
  const name = text(claims?.name);
  if (groups.includes(SERVICE_ACCOUNTS_GROUP)) {
    const serviceAccount = serviceAccountScope(claims ?? {}, email);
    return {
      userId: sub,
      email,
      name,
      groups,
      role: serviceAccount.role === 'deployer' ? 'Developers' : 'ReadOnly',
      serviceAccount,
    };
  }
  return { userId: sub, email, name, groups, role: effectiveRole(groups, defaultRole) };
}

/**
 * A service account's scope from its claims (set only by the API, through AdminCreateUser:
 * the app clients cannot write custom attributes). Incomplete claims are refused (401) rather
 * than read as a person's: a token of the group must carry its confinement. Expiry is checked
 * here, on every request, since Cognito knows nothing of it.
 */
function serviceAccountScope(
  claims: Readonly<Record<string, unknown>>,
  email: string | null,
): ServiceAccountScope {
  const projectId = claims['custom:project_id'];
  const role = claims['custom:sa_role'];
  const expiresAt = claims['custom:sa_expires_at'];
  const id = serviceAccountIdOf(email);
  if (
    typeof projectId !== 'string' ||
    projectId.length === 0 ||
    !SERVICE_ACCOUNT_ROLES.includes(role as ServiceAccountRoleValue) ||
    typeof expiresAt !== 'string' ||
    id === null
  ) {
    throw new UnauthorizedError('The service account’s token lacks its project, role or expiry');
  }
  const expiry = Date.parse(expiresAt);
  if (!Number.isFinite(expiry) || expiry <= Date.now()) {
    throw new UnauthorizedError('The service account expired');
  }
  return { id, projectId, role: role as ServiceAccountRoleValue };
}

/** `sa-<id>@service-accounts.invalid` → `sa_<id>`; anything else → null. */
export function serviceAccountIdOf(username: string | null): string | null {
  const match = /^sa-([0-9a-z]+)@service-accounts\.invalid$/.exec(username ?? '');
  return match ? `sa_${match[1]}` : null;
}

/** The username (and email) of a service account: `sa_<id>` → `sa-<id>@service-accounts.invalid`. */
export function serviceAccountUsername(id: string): string {
  return `${id.replace(/^sa_/, 'sa-')}@${SERVICE_ACCOUNT_DOMAIN}`;
}

/** Whether the caller is a service account (which, for one, may never approve an operation). */
export function isServiceAccount(principal: Principal): boolean {
  return principal.serviceAccount !== undefined;
}

/**
 * Who the caller is, as recorded on what they start (`requested_by` of an operation or a
 * deployment, `created_by` of an environment): a person's user id, a service account's
 * username (`sa-<id>@service-accounts.invalid`), so events and runs name the pipeline.
 */
export function actorOf(principal: Principal): string {
  return principal.serviceAccount && principal.email ? principal.email : principal.userId;
}

/** Administrators and ReadOnly (people) see every resource; a service account never does. */
export function seesEverything(principal: Principal): boolean {
  if (principal.serviceAccount) return false;
  return principal.role === 'Administrators' || principal.role === 'ReadOnly';
}

/** The one rule of visibility: a service account sees its project, a person per role and owner. */
export function canSee(principal: Principal, resource: ResourceRef): boolean {
  if (principal.serviceAccount) {
    return resource.projectId !== null && principal.serviceAccount.projectId === resource.projectId;
  }
  return seesEverything(principal) || principal.userId === resource.ownerId;
}

/** Refuses ReadOnly callers (and viewer service accounts) (403) before any work is done. */
export function assertMayWrite(principal: Principal): void {
  if (principal.role === 'ReadOnly') {
    throw new ForbiddenError(
      principal.serviceAccount
        ? 'A viewer service account cannot change resources'
        : 'ReadOnly users cannot change resources',
    );
  }
}

/** 403 for a service account: what only people may do (projects, service accounts, approvals). */
export function assertNotServiceAccount(principal: Principal, action: string): void {
  if (principal.serviceAccount) throw new ForbiddenError(`A service account cannot ${action}`);
}

/** 404 unless the caller may see the resource. */
export function assertVisible(principal: Principal, ref: ResourceRef, resource: string, id: string): void {
  if (!canSee(principal, ref)) throw new NotFoundError(resource, id);
}

/**
 * 404 unless visible; 403 if visible but the caller may not change it. A deployer service
 * account changes what its project holds, whoever owns it; a Developer only their own.
 */
export function assertMayModify(principal: Principal, ref: ResourceRef, resource: string, id: string): void {
  assertVisible(principal, ref, resource, id);
  assertMayWrite(principal);
  if (principal.serviceAccount) return;
  if (principal.role !== 'Administrators' && principal.userId !== ref.ownerId) {
    throw new NotFoundError(resource, id);
  }
}
