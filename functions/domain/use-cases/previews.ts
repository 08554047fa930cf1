/**
 * Pull-request preview environments (docs/decisions.md §46): a project's settings and its Git
 * host secret, the signed `pull_request` hook, the list of previews, and what the lifecycle
 * events' consumer does once a preview's environment settles.
 *
 * Who: Administrators and the project's owner manage the settings and the secret (a service
 * account 403, ReadOnly 403, another Developer 404, as for webhooks); whoever sees the project
 * lists its previews. The hook has no caller: it acts as the Git host, a principal confined
 * to the project like a deployer service account, whose actor is `github:<sender login>`
 * (`created_by`, `requested_by`, the audit entry's `actor_email`); the environments belong to the
 * project's owner like every environment of the project.
 */
import { assertMayModify, assertNotServiceAccount, type Principal } from '../access.ts';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import { newId, nowIso } from '../ids.ts';
import { CreateEnvironmentInput, type PreviewSettingsInput, PullRequestPayload } from '../inputs.ts';
import type {
  EnvironmentRecord,
  HookDeliveryRecord,
  Page,
  PageRequest,
  PreviewRecord,
  PreviewSettingsRecord,
  ProjectRecord,
} from '../model.ts';
import type { EnvironmentStore, PreviewStore, ProjectStore } from '../ports.ts';
import {
  hookDecision,
  previewActionOf,
  previewName,
  reconcileAction,
  verifyHubSignature,
} from '../preview-rules.ts';
import { getTemplate } from '../templates.ts';
import { createDeployment, type DeploymentDeps } from './deployments.ts';
import { createEnvironment, destroyEnvironment, type EnvironmentDeps } from './environments.ts';
import { getVisibleProject, projectRef } from './projects.ts';

/** What the preview use cases work with. */
export interface PreviewDeps {
  projects: ProjectStore;
  previews: PreviewStore;
  environments: Pick<EnvironmentStore, 'get'>;
  /** A new Git host secret (64 hex digits). */
  newSecret: () => string;
  /** Creating and destroying previews' environments. */
  environment: () => EnvironmentDeps;
  /** Deploying the head SHA. */
  deployment: () => DeploymentDeps;
}

// ---------------------------------------------------------------- settings

async function manageableProject(
  deps: Pick<PreviewDeps, 'projects'>,
  principal: Principal,
  projectId: string,
): Promise<ProjectRecord> {
  const project = await getVisibleProject(deps, principal, projectId);
  assertNotServiceAccount(principal, 'manage preview settings');
  assertMayModify(principal, projectRef(project), 'Project', projectId);
  return project;
}

export async function getPreviewSettings(
  deps: Pick<PreviewDeps, 'projects' | 'previews'>,
  principal: Principal,
  projectId: string,
): Promise<PreviewSettingsRecord> {
  await manageableProject(deps, principal, projectId);
  const settings = await deps.previews.getSettings(projectId);
  if (!settings) throw new NotFoundError('Preview settings of project', projectId);
  return settings;
}

export async function putPreviewSettings(
  deps: Pick<PreviewDeps, 'projects' | 'previews' | 'environment'>,
  principal: Principal,
  projectId: string,
  input: PreviewSettingsInput,
): Promise<PreviewSettingsRecord> {
  await manageableProject(deps, principal, projectId);
  if (!getTemplate(input.template)) {
    throw new ValidationError([{ field: 'template', message: `unknown template '${input.template}'` }]);
  }
  // Checked now, not at a delivery: the deployment may allow less than 720 hours (MAX_TTL_HOURS).
  const { maxTtlHours } = deps.environment().settings;
  if (input.ttl_hours > maxTtlHours) {
    throw new ValidationError([{ field: 'ttl_hours', message: `must be at most ${maxTtlHours} hours` }]);
  }
  const current = await deps.previews.getSettings(projectId);
  const settings: PreviewSettingsRecord = {
    project_id: projectId,
    enabled: input.enabled,
    template: input.template,
    parameters: input.parameters as Record<string, unknown>,
    ttl_hours: input.ttl_hours,
    repository: input.repository,
    secret: current?.secret ?? null,
    secret_rotated_at: current?.secret_rotated_at ?? null,
    updated_at: nowIso(),
    updated_by: principal.userId,
  };
  await deps.previews.putSettings(settings);
  return settings;
}

/** Generates (or replaces) the Git host secret; the answer is the only place it is shown. */
export async function rotatePreviewSecret(
  deps: Pick<PreviewDeps, 'projects' | 'previews' | 'newSecret'>,
  principal: Principal,
  projectId: string,
): Promise<{ settings: PreviewSettingsRecord; secret: string }> {
  await manageableProject(deps, principal, projectId);
  const current = await deps.previews.getSettings(projectId);
  if (!current) throw new NotFoundError('Preview settings of project', projectId);
  const at = nowIso();
  const settings: PreviewSettingsRecord = {
    ...current,
    secret: deps.newSecret(),
    secret_rotated_at: at,
    updated_at: at,
    updated_by: principal.userId,
  };
  await deps.previews.putSettings(settings);
  return { settings, secret: settings.secret as string };
}

// ---------------------------------------------------------------- the hook

/** The Git host acting on a project: confined to it like a deployer service account. */
export function gitHostActor(project: ProjectRecord, actor: string): Principal {
  return {
    userId: project.owner_id,
    email: actor,
    name: null,
    groups: [],
    role: 'Developers',
    serviceAccount: { id: 'github', projectId: project.id, role: 'deployer' },
  };
}

/** A verified delivery's project and settings. */
export interface VerifiedHook {
  project: ProjectRecord;
  settings: PreviewSettingsRecord;
}

/**
 * 401 unless `signature` is the HMAC of the raw body with the project's Git host secret. An
 * unknown project, one without settings or a secret, and a wrong signature are not told apart.
 */
export async function verifyHook(
  deps: Pick<PreviewDeps, 'projects' | 'previews'>,
  projectId: string,
  rawBody: string,
  signature: string | undefined,
): Promise<VerifiedHook> {
  const refused = () => new UnauthorizedError('Missing or invalid X-Hub-Signature-256');
  if (!/^prj_[0-9a-z]{26}$/.test(projectId)) throw refused();
  const settings = await deps.previews.getSettings(projectId);
  if (!settings?.secret || !verifyHubSignature(settings.secret, rawBody, signature)) throw refused();
  const project = await deps.projects.get(projectId);
  if (!project) throw refused();
  return { project, settings };
}

/** The hook's answer body (docs/decisions.md §46). */
export interface HookOutcome {
  delivery_id: string;
  /** What this delivery did. */
  action: 'pong' | 'created' | 'deploying' | 'destroying' | 'recorded' | 'ignored';
  /** Why nothing was done, for `ignored`. */
  reason?: string;
  pull_request?: number;
  environment_id?: string;
  operation_id?: string;
  deployment_id?: string;
}

/** The answer of a delivery: its status and body (answered again to a duplicate). */
export interface HookAnswer {
  status: number;
  body: HookOutcome;
  /** Set when the delivery acted: who, for the audit entry. */
  actor?: Principal;
  /** A duplicate's answer (the first outcome again). */
  replayed: boolean;
}

/**
 * One verified delivery, idempotent on its id: the first claims it (a conditional put); a
 * duplicate answers the first outcome again and does nothing (409 while the first still
 * runs). A delivery that fails is released, so GitHub's redeliver tries it again.
 */
export async function receiveHook(
  deps: PreviewDeps,
  hook: VerifiedHook,
  delivery: { id: string; event: string | undefined; rawBody: string },
): Promise<HookAnswer> {
  const { project } = hook;
  const claimed = await deps.previews.claimDelivery(project.id, delivery.id, nowIso());
  if (claimed) {
    if (claimed.status === null || claimed.body === null) {
      throw new ConflictError(
        `Delivery ${delivery.id} is being handled; try again later`,
        'DELIVERY_IN_PROGRESS',
      );
    }
    return { status: claimed.status, body: claimed.body as unknown as HookOutcome, replayed: true };
  }
  let answer: HookAnswer;
  try {
    answer = await handleDelivery(deps, hook, delivery);
  } catch (error) {
    await deps.previews.releaseDelivery(project.id, delivery.id);
    throw error;
  }
  const record: HookDeliveryRecord = {
    project_id: project.id,
    delivery_id: delivery.id,
    status: answer.status,
    body: answer.body as unknown as Record<string, unknown>,
    created_at: nowIso(),
  };
  await deps.previews.finishDelivery(record);
  return answer;
}

function parsePayload(rawBody: string): PullRequestPayload {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new ValidationError([{ field: 'body', message: 'not a JSON document' }]);
  }
  const result = PullRequestPayload.safeParse(json);
  if (!result.success) {
    throw new ValidationError(
      result.error.issues.map((issue) => ({
        field: ['body', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

async function handleDelivery(
  deps: PreviewDeps,
  { project, settings }: VerifiedHook,
  delivery: { id: string; event: string | undefined; rawBody: string },
): Promise<HookAnswer> {
  const ignored = (reason: string): HookAnswer => ({
    status: 202,
    body: { delivery_id: delivery.id, action: 'ignored', reason },
    replayed: false,
  });
  if (delivery.event === 'ping') {
    return { status: 200, body: { delivery_id: delivery.id, action: 'pong' }, replayed: false };
  }
  if (delivery.event !== 'pull_request')
    return ignored(`event ${delivery.event ?? '(none)'} is not followed`);
  if (!settings.enabled) return ignored('previews are disabled for this project');
  const payload = parsePayload(delivery.rawBody);
  if (payload.repository.full_name.toLowerCase() !== settings.repository.toLowerCase()) {
    throw new ValidationError([
      {
        field: 'body.repository.full_name',
        message: `this project takes pull requests of ${settings.repository} only`,
      },
    ]);
  }
  const action = previewActionOf(payload.action);
  const number = payload.number;
  if (action === 'ignore') return ignored(`action ${payload.action} is not followed`);
  const actorName = `github:${payload.sender?.login ?? 'unknown'}`;
  const actor = gitHostActor(project, actorName);
  const head = payload.pull_request.head;
  const existing = await deps.previews.get(project.id, number);
  const environment = existing ? await deps.environments.get(existing.environment_id) : null;
  const decision = hookDecision(action, environment);
  const at = nowIso();
  const base = { delivery_id: delivery.id, pull_request: number };
  if (decision === 'ignore') return ignored(`pull request ${number} has no live preview`);
  if (decision === 'wait-destroyed') {
    throw new ConflictError(
      `The previous preview of pull request ${number} is still being destroyed; redeliver once it is gone`,
      'PREVIEW_BEING_DESTROYED',
      { environment_id: environment?.id },
    );
  }
  if (decision === 'create') {
    const id = newId('env');
    const preview: PreviewRecord = {
      project_id: project.id,
      number,
      environment_id: id,
      branch: head.ref,
      url: payload.pull_request.html_url,
      repository: payload.repository.full_name,
      wanted_sha: head.sha,
      requested_sha: null,
      closed: false,
      actor: actorName,
      created_at: at,
      updated_at: at,
    };
    // Written first, so the consumer finds it whenever the environment becomes running.
    await deps.previews.put(preview);
    const input = CreateEnvironmentInput.parse({
      name: previewName(number),
      type: 'ephemeral',
      template: settings.template,
      ttl_hours: settings.ttl_hours,
      parameters: settings.parameters,
    });
    const { environment: created, operation } = await createEnvironment(
      deps.environment(),
      actor,
      project.id,
      input,
      {
        id,
        preview: {
          number,
          branch: head.ref,
          url: payload.pull_request.html_url,
          sha: head.sha,
          repository: payload.repository.full_name,
        },
      },
    );
    return {
      status: 202,
      body: { ...base, action: 'created', environment_id: created.id, operation_id: operation.id },
      actor,
      replayed: false,
    };
  }
  // reconcile: record what the PR wants, then act if the environment is settled.
  const preview: PreviewRecord = {
    ...(existing as PreviewRecord),
    actor: actorName,
    updated_at: at,
    ...(action === 'close'
      ? { closed: true }
      : { closed: false, wanted_sha: head.sha, branch: head.ref, url: payload.pull_request.html_url }),
  };
  await deps.previews.put(preview);
  const done = await reconcilePreview(deps, project, preview, environment as EnvironmentRecord);
  return { status: 202, body: { ...base, ...done }, actor, replayed: false };
}

/** What reconciling did, as the hook answers it. */
type Reconciled = Pick<HookOutcome, 'action' | 'environment_id' | 'operation_id' | 'deployment_id'>;

/**
 * Brings a preview's environment to what its PR wants, if it is settled now: destroy it (closed)
 * or deploy the wanted SHA. A lost race (an operation or a deployment started meanwhile) is not
 * an error: the consumer acts once that one settles.
 */
export async function reconcilePreview(
  deps: PreviewDeps,
  project: ProjectRecord,
  preview: PreviewRecord,
  environment: EnvironmentRecord,
): Promise<Reconciled> {
  const actor = gitHostActor(project, preview.actor);
  const recorded: Reconciled = { action: 'recorded', environment_id: environment.id };
  const todo = reconcileAction(environment, preview);
  try {
    if (todo === 'destroy') {
      const { operation } = await destroyEnvironment(deps.environment(), actor, environment.id, {
        reason: `pull request ${preview.number} closed`,
      });
      return { action: 'destroying', environment_id: environment.id, operation_id: operation.id };
    }
    if (todo === 'deploy') {
      const deployment = await createDeployment(deps.deployment(), actor, environment.id, {
        version: preview.wanted_sha,
        strategy: 'all_at_once',
      });
      await deps.previews.put({ ...preview, requested_sha: preview.wanted_sha, updated_at: nowIso() });
      return { action: 'deploying', environment_id: environment.id, deployment_id: deployment.id };
    }
  } catch (error) {
    if (error instanceof ConflictError) return recorded;
    throw error;
  }
  return recorded;
}

/** Event types after which a preview's environment may be settled (and its wish due). */
export const SETTLING_EVENT_TYPES: readonly string[] = [
  'environment.running',
  'environment.failed',
  'environment.stopped',
  'deployment.succeeded',
  'deployment.failed',
  'deployment.rolled_back',
];

/**
 * The lifecycle events' consumer (docs/decisions.md §35, §46): after an event that may leave a
 * preview's environment settled, do what its PR asked meanwhile. Repeated deliveries are
 * harmless: a wish done is not done again (the SHA asked for is noted, a destroyed environment
 * needs nothing).
 */
export async function previewAfterEvent(
  deps: PreviewDeps,
  event: { type: string; environment_id: string },
): Promise<Reconciled | null> {
  if (!SETTLING_EVENT_TYPES.includes(event.type)) return null;
  const environment = await deps.environments.get(event.environment_id);
  if (!environment?.preview) return null;
  const preview = await deps.previews.get(environment.project_id, environment.preview.number);
  if (!preview || preview.environment_id !== environment.id) return null;
  const project = await deps.projects.get(environment.project_id);
  if (!project) return null;
  return reconcilePreview(deps, project, preview, environment);
}

// ---------------------------------------------------------------- the list

/** A preview with its environment's state (null fields: its environment could not be created). */
export interface PreviewView {
  preview: PreviewRecord;
  environment: EnvironmentRecord | null;
}

export async function listPreviews(
  deps: Pick<PreviewDeps, 'projects' | 'previews' | 'environments'>,
  principal: Principal,
  projectId: string,
  page: PageRequest,
): Promise<Page<PreviewView>> {
  await getVisibleProject(deps, principal, projectId);
  const previews = await deps.previews.listByProject(projectId, page);
  const items = await Promise.all(
    previews.items.map(async (preview) => ({
      preview,
      environment: await deps.environments.get(preview.environment_id),
    })),
  );
  return { items, next_cursor: previews.next_cursor };
}
