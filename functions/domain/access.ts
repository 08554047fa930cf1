/**
 * Who may see and change what (DESIGN.md §4 "Roles"). Pure rules on a `Principal`
 * built from the Cognito ID token's claims as API Gateway passes them (every value a
 * string).
 *
 * - Developers see and change their own resources;
 * - ReadOnly see everyone's and change nothing (403 on writes);
 * - Administrators see and change everything.
 * A resource the caller may not see answers 404, never 403, so existence never leaks.
 */

import { ForbiddenError, NotFoundError, UnauthorizedError } from './errors.ts';
import { ROLES, type RoleValue } from './vocabulary.ts';

export interface Principal {
  /** Cognito `sub`: the stable user id that owns resources. */
  userId: string;
  email: string | null;
  name: string | null;
  groups: string[];
  /** The effective role, from the most privileged group. */
  role: RoleValue;
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
  return {
    userId: sub,
    email: text(claims?.email),
    name: text(claims?.name),
    groups,
    role: effectiveRole(groups, defaultRole),
  };
}

/** Administrators and ReadOnly see every resource. */
export function seesEverything(principal: Principal): boolean {
  return principal.role === 'Administrators' || principal.role === 'ReadOnly';
}

export function canSee(principal: Principal, ownerId: string): boolean {
  return seesEverything(principal) || principal.userId === ownerId;
}

/** Refuses ReadOnly callers (403) before any work is done. */
export function assertMayWrite(principal: Principal): void {
  if (principal.role === 'ReadOnly') throw new ForbiddenError('ReadOnly users cannot change resources');
}

/** 404 unless the caller may see the resource. */
export function assertVisible(principal: Principal, ownerId: string, resource: string, id: string): void {
  if (!canSee(principal, ownerId)) throw new NotFoundError(resource, id);
}

/** 404 unless visible; 403 if visible but the caller may not change it. */
export function assertMayModify(principal: Principal, ownerId: string, resource: string, id: string): void {
  assertVisible(principal, ownerId, resource, id);
  assertMayWrite(principal);
  if (principal.role !== 'Administrators' && principal.userId !== ownerId) {
    throw new NotFoundError(resource, id);
  }
}
