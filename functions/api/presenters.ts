/**
 * Records → API documents. Records already use the API's field names; presenters pick
 * the public fields (so an internal attribute never leaks) and shape the template views.
 */
import type {
  DeploymentRecord,
  EnvironmentRecord,
  OperationRecord,
  PreviewSettingsRecord,
  ProjectRecord,
  ServiceAccountRecord,
  StackRecord,
  WebhookDeliveryRecord,
  WebhookRecord,
} from '../domain/model.ts';
import { PARAMETER_DOCS } from '../domain/parameters.ts';
import type { Template } from '../domain/templates.ts';
import type { OperationView } from '../domain/use-cases/operation-views.ts';
import type { PreviewView } from '../domain/use-cases/previews.ts';

/** A service account as read: every field but the secret, which no record holds. */
export function presentServiceAccount(a: ServiceAccountRecord) {
  return {
    id: a.id,
    name: a.name,
    role: a.role,
    project_id: a.project_id,
    username: a.username,
    expires_at: a.expires_at,
    created_at: a.created_at,
    created_by: a.created_by,
    rotated_at: a.rotated_at,
  };
}

/** A webhook as read: every field but the secret, which only create and rotate show. */
export function presentWebhook(w: WebhookRecord) {
  return {
    id: w.id,
    project_id: w.project_id,
    url: w.url,
    events: w.events,
    description: w.description,
    enabled: w.enabled,
    created_at: w.created_at,
    created_by: w.created_by,
    updated_at: w.updated_at,
    rotated_at: w.rotated_at,
  };
}

/** A webhook delivery as read: its attempts, without the stored payload. */
export function presentWebhookDelivery(d: WebhookDeliveryRecord) {
  return {
    id: d.id,
    webhook_id: d.webhook_id,
    project_id: d.project_id,
    event_type: d.event_type,
    status: d.status,
    attempts: d.attempts,
    created_at: d.created_at,
    updated_at: d.updated_at,
  };
}

export function presentProject(p: ProjectRecord) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    owner_id: p.owner_id,
    approval_policy: p.approval_policy ?? null,
    live_environments: p.live_environments,
    version: p.version,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

/** A change to an environment: the environment saved, and the operation it started (null if none). */
export function presentEnvironmentChange(environment: EnvironmentRecord, operation: OperationRecord | null) {
  return { ...presentEnvironment(environment), operation: operation ? presentOperation(operation) : null };
}

export function presentEnvironment(e: EnvironmentRecord) {
  return {
    id: e.id,
    project_id: e.project_id,
    name: e.name,
    type: e.type,
    ttl_hours: e.ttl_hours,
    expires_at: e.expires_at,
    template: e.template,
    region: e.region,
    account_id: e.account_id,
    parameters: e.parameters,
    status: e.status,
    progress: e.progress,
    base_url: e.base_url,
    current_operation_id: e.current_operation_id,
    current_version: e.current_version ?? null,
    drift_check: e.drift_check ?? null,
    next_drift_check_at: e.next_drift_check_at ?? null,
    active_deployment_id: e.active_deployment_id ?? null,
    estimated_monthly_cost_usd: e.estimated_monthly_cost_usd,
    on_failure: e.on_failure,
    protected: e.protected ?? false,
    preview: e.preview ?? null,
    error: e.error,
    version: e.version,
    owner_id: e.owner_id,
    created_by: e.created_by,
    created_at: e.created_at,
    updated_at: e.updated_at,
  };
}

export function presentStack(s: StackRecord) {
  return {
    name: s.name,
    layer: s.layer,
    depends_on: s.depends_on,
    status: s.status,
    resources: s.resources,
    outputs: s.outputs,
    // Stopped compute costs nothing while it is stopped.
    estimated_monthly_cost_usd: s.status === 'stopped' ? 0 : s.estimated_monthly_cost_usd,
    operation_id: s.operation_id,
    started_at: s.started_at,
    finished_at: s.finished_at,
    error: s.error,
    drifted: s.drifted ?? false,
    drift_checked_at: s.drift?.checked_at ?? null,
  };
}

/** An operation with its progress and stacks (live while it runs; see services/operations.ts). */
export function presentOperation(o: OperationRecord, live?: Pick<OperationView, 'progress' | 'stacks'>) {
  return {
    id: o.id,
    environment_id: o.environment_id,
    kind: o.kind,
    status: o.status,
    attempt: o.attempt,
    retry_of: o.retry_of,
    targets: o.targets,
    cancel_requested: o.cancel_requested,
    outcome: o.outcome,
    progress: live?.progress ?? o.progress,
    stacks: live?.stacks ?? [],
    started_at: o.started_at,
    finished_at: o.finished_at,
    error: o.error,
    requested_by: o.requested_by,
    reason: o.reason ?? null,
    approval: o.approval ?? null,
    plan: o.plan ?? null,
  };
}

export function presentOperationView(view: OperationView) {
  return presentOperation(view.operation, view);
}

export function presentTemplateSummary(t: Template) {
  return {
    name: t.name,
    description: t.description,
    version: t.version,
    stacks: t.stacks.length,
    layers: t.layers.length,
  };
}

export function presentTemplate(t: Template) {
  return {
    name: t.name,
    description: t.description,
    version: t.version,
    stacks: t.stacks.map((s) => ({
      name: s.name,
      description: s.description,
      depends_on: s.dependsOn,
      layer: s.layer,
      resource_types: s.resourceTypes,
      estimated_duration_seconds: s.durationSeconds,
      estimated_monthly_cost_usd: s.estimatedMonthlyCostUsd,
    })),
    layers: t.layers,
    parameters: PARAMETER_DOCS,
  };
}

/** The ETag of a versioned resource: its version, quoted (send it back as If-Match). */
export function etag(record: { version: number }): Record<string, string> {
  return { etag: `"${record.version}"` };
}

/** The API's `Deployment` (the owner is the environment's, not shown twice). */
export function presentDeployment(d: DeploymentRecord) {
  return {
    id: d.id,
    environment_id: d.environment_id,
    project_id: d.project_id,
    version: d.version,
    strategy: d.strategy,
    status: d.status,
    previous_version: d.previous_version,
    batches: d.batches,
    simulate: d.simulate,
    error: d.error,
    requested_by: d.requested_by,
    created_at: d.created_at,
    started_at: d.started_at,
    finished_at: d.finished_at,
  };
}

/** A project's preview settings (never the secret) with the URL GitHub should call. */
export function presentPreviewSettings(settings: PreviewSettingsRecord, baseUrl: string) {
  return {
    project_id: settings.project_id,
    enabled: settings.enabled,
    template: settings.template,
    parameters: settings.parameters,
    ttl_hours: settings.ttl_hours,
    repository: settings.repository,
    hook_url: `${baseUrl}/hooks/github/${settings.project_id}`,
    secret_set: settings.secret !== null,
    secret_rotated_at: settings.secret_rotated_at,
    updated_at: settings.updated_at,
  };
}

export function presentPreview({ preview, environment }: PreviewView) {
  return {
    number: preview.number,
    environment_id: preview.environment_id,
    name: environment?.name ?? `pr-${preview.number}`,
    status: environment?.status ?? null,
    version: environment?.current_version ?? null,
    wanted_sha: preview.wanted_sha,
    branch: preview.branch,
    url: preview.url,
    repository: preview.repository,
    closed: preview.closed,
    base_url: environment?.base_url ?? null,
    expires_at: environment?.expires_at ?? null,
    updated_at: preview.updated_at,
  };
}
