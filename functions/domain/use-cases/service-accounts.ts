/**
 * Service accounts (docs/decisions.md §44): a project's identities for pipelines. Each is a
 * Cognito user (its identity: {@link ServiceAccountIdentities}) and a record in the table
 * (its name, role, expiry: {@link ServiceAccountStore}); its secret exists only in the answer
 * that creates or rotates it.
 *
 * Who: an Administrator or the project's owner manages them; ReadOnly reads the list (no
 * secrets are ever listed) and changes nothing (403); a service account manages none (403),
 * not even its own; a project the caller cannot see answers 404.
 */
import {
  actorOf,
  assertMayModify,
  assertNotServiceAccount,
  type Principal,
  serviceAccountUsername,
} from '../access.ts';
import { NotFoundError } from '../errors.ts';
import { newId, nowIso } from '../ids.ts';
import type { CreateServiceAccountInput } from '../inputs.ts';
import type { Page, PageRequest, ProjectRecord, ServiceAccountRecord } from '../model.ts';
import type { ProjectStore, ServiceAccountIdentities, ServiceAccountStore } from '../ports.ts';
import { getVisibleProject, projectRef } from './projects.ts';

/** What the service-account use cases work with. */
export interface ServiceAccountDeps {
  projects: ProjectStore;
  serviceAccounts: ServiceAccountStore;
  identities: ServiceAccountIdentities;
}

/** A record and, once, its secret. */
export interface ServiceAccountWithSecret {
  account: ServiceAccountRecord;
  secret: string;
}

const DAY_MS = 86_400_000;

/** The project, if the caller may see it (404) and may manage its service accounts (403). */
async function manageableProject(
  deps: Pick<ServiceAccountDeps, 'projects'>,
  principal: Principal,
  projectId: string,
): Promise<ProjectRecord> {
  const project = await getVisibleProject(deps, principal, projectId);
  assertNotServiceAccount(principal, 'manage service accounts');
  assertMayModify(principal, projectRef(project), 'Project', projectId);
  return project;
}

/** The project, if the caller may see it (404) and read its service accounts (403 for a service account). */
async function readableProject(
  deps: Pick<ServiceAccountDeps, 'projects'>,
  principal: Principal,
  projectId: string,
): Promise<ProjectRecord> {
  const project = await getVisibleProject(deps, principal, projectId);
  assertNotServiceAccount(principal, 'read service accounts');
  return project;
}

async function existing(
  deps: Pick<ServiceAccountDeps, 'serviceAccounts'>,
  projectId: string,
  id: string,
): Promise<ServiceAccountRecord> {
  const account = await deps.serviceAccounts.get(projectId, id);
  if (!account) throw new NotFoundError('Service account', id);
  return account;
}

/**
 * Creates the Cognito user (group, custom attributes, permanent password), then the record;
 * if the record cannot be written the user is removed again, so no identity is left behind.
 */
export async function createServiceAccount(
  deps: ServiceAccountDeps,
  principal: Principal,
  projectId: string,
  input: CreateServiceAccountInput,
  now: Date = new Date(),
): Promise<ServiceAccountWithSecret> {
  const project = await manageableProject(deps, principal, projectId);
  const id = newId('sa');
  const account: ServiceAccountRecord = {
    id,
    project_id: project.id,
    name: input.name,
    role: input.role,
    username: serviceAccountUsername(id),
    expires_at: new Date(now.getTime() + input.expires_in_days * DAY_MS).toISOString(),
    created_at: now.toISOString(),
    created_by: actorOf(principal),
    rotated_at: null,
  };
  const secret = deps.identities.newSecret();
  await deps.identities.create({
    username: account.username,
    secret,
    projectId: project.id,
    role: account.role,
    expiresAt: account.expires_at,
  });
  try {
    await deps.serviceAccounts.create(account);
  } catch (error) {
    await deps.identities.remove(account.username).catch(() => undefined);
    throw error;
  }
  return { account, secret };
}

export async function listServiceAccounts(
  deps: Pick<ServiceAccountDeps, 'projects' | 'serviceAccounts'>,
  principal: Principal,
  projectId: string,
  page: PageRequest,
): Promise<Page<ServiceAccountRecord>> {
  await readableProject(deps, principal, projectId);
  return deps.serviceAccounts.listByProject(projectId, page);
}

export async function getServiceAccount(
  deps: Pick<ServiceAccountDeps, 'projects' | 'serviceAccounts'>,
  principal: Principal,
  projectId: string,
  id: string,
): Promise<ServiceAccountRecord> {
  await readableProject(deps, principal, projectId);
  return existing(deps, projectId, id);
}

/** A new secret; the old one stops working at once and every refresh token is revoked. */
export async function rotateServiceAccount(
  deps: ServiceAccountDeps,
  principal: Principal,
  projectId: string,
  id: string,
): Promise<ServiceAccountWithSecret> {
  await manageableProject(deps, principal, projectId);
  const account = await existing(deps, projectId, id);
  const secret = deps.identities.newSecret();
  await deps.identities.rotate(account.username, secret);
  return { account: await deps.serviceAccounts.markRotated(account, nowIso()), secret };
}

/**
 * Disables, signs out and deletes the Cognito user, then removes the record (the audit log
 * keeps who did it). A retry after a partial failure finishes the job: a missing user is fine.
 */
export async function deleteServiceAccount(
  deps: ServiceAccountDeps,
  principal: Principal,
  projectId: string,
  id: string,
): Promise<void> {
  await manageableProject(deps, principal, projectId);
  const account = await existing(deps, projectId, id);
  await deps.identities.remove(account.username);
  await deps.serviceAccounts.delete(account);
}
