/**
 * Project use cases: create, read, list, rename, delete. Ownership and roles are
 * checked here, once, for every entry point.
 */

import {
  assertMayModify,
  assertMayWrite,
  assertNotServiceAccount,
  assertVisible,
  type Principal,
  type ResourceRef,
  seesEverything,
} from '../access.ts';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError } from '../errors.ts';
import { newId, nowIso } from '../ids.ts';
import type { CreateProjectInput, UpdateProjectInput } from '../inputs.ts';
import type { Page, PageRequest, ProjectRecord } from '../model.ts';
import type { ProjectChanges, ProjectStore, ServiceAccountStore, WebhookStore } from '../ports.ts';

/** What the project use cases work with. */
export interface ProjectDeps {
  projects: ProjectStore;
}

export async function createProject(
  deps: ProjectDeps,
  principal: Principal,
  input: CreateProjectInput,
): Promise<ProjectRecord> {
  assertNotServiceAccount(principal, 'create projects');
  assertMayWrite(principal);
  const at = nowIso();
  const project: ProjectRecord = {
    id: newId('prj'),
    name: input.name,
    description: input.description ?? null,
    owner_id: principal.userId,
    live_environments: 0,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await deps.projects.create(project);
  return project;
}

/** What the access rules need to know of a project. */
export function projectRef(project: ProjectRecord): ResourceRef {
  return { ownerId: project.owner_id, projectId: project.id };
}

/** A project the caller may see, or 404. */
export async function getVisibleProject(
  deps: ProjectDeps,
  principal: Principal,
  projectId: string,
): Promise<ProjectRecord> {
  const project = await deps.projects.get(projectId);
  if (!project) throw new NotFoundError('Project', projectId);
  assertVisible(principal, projectRef(project), 'Project', projectId);
  return project;
}

/** A project the caller may change: 404 if not visible, 403 if read-only. */
export async function getModifiableProject(
  deps: ProjectDeps,
  principal: Principal,
  projectId: string,
): Promise<ProjectRecord> {
  const project = await deps.projects.get(projectId);
  if (!project) throw new NotFoundError('Project', projectId);
  assertMayModify(principal, projectRef(project), 'Project', projectId);
  return project;
}

export async function listProjects(
  deps: ProjectDeps,
  principal: Principal,
  page: PageRequest,
): Promise<Page<ProjectRecord>> {
  if (principal.serviceAccount) {
    // Its one project (one Get; a cursor of the one-item page cannot be asked for).
    const project = await deps.projects.get(principal.serviceAccount.projectId);
    return { items: project ? [project] : [], next_cursor: null };
  }
  return seesEverything(principal)
    ? deps.projects.listAll(page)
    : deps.projects.listByOwner(principal.userId, page);
}

/**
 * Checks an `If-Match` header against a record's version. Absent means "last writer
 * wins" (the write is still conditional on the version read just before).
 */
export function assertVersionMatches(ifMatch: number | undefined, record: { version: number }): void {
  if (ifMatch !== undefined && ifMatch !== record.version) {
    throw new PreconditionFailedError(
      `Version mismatch: If-Match ${ifMatch}, current version ${record.version}`,
    );
  }
}

export async function updateProject(
  deps: ProjectDeps,
  principal: Principal,
  projectId: string,
  input: UpdateProjectInput,
  ifMatch: number | undefined,
): Promise<ProjectRecord> {
  const project = await getModifiableProject(deps, principal, projectId);
  assertNotServiceAccount(principal, 'change projects');
  assertVersionMatches(ifMatch, project);
  const changes: ProjectChanges = {};
  if (input.name !== undefined && input.name !== project.name) changes.name = input.name;
  if (input.description !== undefined) changes.description = input.description;
  if (input.approval_policy !== undefined) {
    // Who approves what is the platform's call: an owner could otherwise lift their own checks.
    if (principal.role !== 'Administrators') {
      throw new ForbiddenError('Only Administrators can change a project’s approval policy');
    }
    changes.approval_policy = input.approval_policy;
  }
  return deps.projects.update(project, changes);
}

/**
 * Deletes a project with no live environments and no service accounts (§44: their Cognito
 * users would outlive it; delete them first). The service-account check is a read before the
 * delete, not part of its condition: a service account created in between is left to its
 * own delete (its token sees nothing of a deleted project).
 */
export async function deleteProject(
  deps: ProjectDeps & {
    serviceAccounts: Pick<ServiceAccountStore, 'listByProject'>;
    webhooks: Pick<WebhookStore, 'listByProject'>;
  },
  principal: Principal,
  projectId: string,
): Promise<void> {
  const project = await getModifiableProject(deps, principal, projectId);
  assertNotServiceAccount(principal, 'delete projects');
  const accounts = await deps.serviceAccounts.listByProject(project.id, { limit: 1 });
  if (accounts.items.length > 0) {
    throw new ConflictError(
      `Project ${project.id} still has service accounts; delete them first`,
      'PROJECT_HAS_SERVICE_ACCOUNTS',
    );
  }
  // Likewise webhooks (§45): their items and secrets would outlive the project, unreachable.
  const webhooks = await deps.webhooks.listByProject(project.id, { limit: 1 });
  if (webhooks.items.length > 0) {
    throw new ConflictError(
      `Project ${project.id} still has webhooks; delete them first`,
      'PROJECT_HAS_WEBHOOKS',
    );
  }
  try {
    await deps.projects.delete(project);
  } catch (error) {
    if (!(error instanceof ConflictError && error.errorCode === 'CONCURRENT_MODIFICATION')) throw error;
    // The delete lost: the project is gone, still has live environments, or just changed.
    const current = await deps.projects.get(project.id);
    if (!current) throw new NotFoundError('Project', project.id);
    if (current.live_environments === 0) throw error;
    throw new ConflictError(
      `Project ${project.id} still has ${current.live_environments} live environment(s); destroy them first`,
      'PROJECT_HAS_ENVIRONMENTS',
      { live_environments: current.live_environments },
    );
  }
}
