/**
 * The composition root: the one place that builds the stores, the adapters and the settings,
 * and hands them to the use cases as one typed deps object per family of use cases. Entry
 * points (route handlers, workflow steps, event targets) only ever take these objects; they
 * never import a store.
 *
 *   projectDeps         projects                          api/projects
 *   serviceAccountDeps  service accounts (table, Cognito) api/service-accounts
 *   webhookDeps         webhooks (table, DNS)             api/webhooks
 *   previewDeps         PR previews (table, workflows)    api/previews, and the publisher's consumer
 *   environmentDeps     environments, stacks, operations  api/environments, api/stacks, api/operations
 *   deploymentDeps      deployments (the API side)        api/deployments
 *   insightsDeps        events, metrics, audit (reads)    api/insights
 *   catalogDeps         templates, AWS checks             api/catalog
 *   auditDeps           the audit trail                   the HTTP stack of every write route
 *   idempotencyDeps     Idempotency-Key records           the HTTP stack of idempotent routes
 *   workflowDeps        an operation's walk               steps/operation-steps
 *   deploymentStepDeps  a rollout                         steps/deployment-steps, the sweeper, the reconciler
 *   reconcilerDeps      executions that ended otherwise   events/reconcile-execution
 *   sweeperDeps         TTL expiry, scheduled drift       events/sweep-environments
 *   publicationDeps     recorded events → counters, bus, webhook fan-out  events/publish-events (the table's stream)
 *   webhookDeliveryDeps signed webhook POSTs, delivery records  events/send-webhook, api/webhooks (ping)
 *
 * Stores are stateless, and the clients behind them are created on first use, so a function
 * only touches the services it really calls. Each construction is marked pure and settings
 * are read on first use (getters), so a bundle keeps only what its entry points use (e.g. only
 * the stream's publisher carries the event bus and the metrics).
 */
import { randomBytes } from 'node:crypto';
import { DynamoAuditStore } from '../data/audit-store.ts';
import { DynamoDeploymentStore } from '../data/deployment-store.ts';
import { DynamoEnvironmentStore } from '../data/environment-store.ts';
import { DynamoEventStore } from '../data/event-store.ts';
import { idempotencyPersistence } from '../data/idempotency-store.ts';
import { DynamoLogStore } from '../data/log-store.ts';
import { DynamoMetricsStore } from '../data/metrics-store.ts';
import { DynamoOperationStore } from '../data/operation-store.ts';
import { DynamoPreviewStore } from '../data/preview-store.ts';
import { DynamoProjectStore } from '../data/project-store.ts';
import { DynamoQuotaStore } from '../data/quota-store.ts';
import { DynamoScheduleStore } from '../data/schedule-store.ts';
import { DynamoServiceAccountStore } from '../data/service-account-store.ts';
import { DynamoStackStore } from '../data/stack-store.ts';
import { DynamoWebhookDeliveryStore } from '../data/webhook-delivery-store.ts';
import { DynamoWebhookStore } from '../data/webhook-store.ts';
import { PREVIEW_SECRET_BYTES } from '../domain/preview-rules.ts';
import type { ApprovalDeps } from '../domain/use-cases/approvals.ts';
import type { AuditDeps } from '../domain/use-cases/audit.ts';
import type { CatalogDeps, CatalogSettings } from '../domain/use-cases/catalog.ts';
import type {
  DeploymentDeps,
  DeploymentStepDeps,
  DeploymentStepSettings,
} from '../domain/use-cases/deployments.ts';
import type { EnvironmentDeps, EnvironmentSettings } from '../domain/use-cases/environments.ts';
import type { InsightsDeps } from '../domain/use-cases/events.ts';
import type { PreviewDeps } from '../domain/use-cases/previews.ts';
import type { ProjectDeps } from '../domain/use-cases/projects.ts';
import type { RunStreamDeps } from '../domain/use-cases/run-stream.ts';
import type { ServiceAccountDeps } from '../domain/use-cases/service-accounts.ts';
import type { SweeperDeps, SweepSettings } from '../domain/use-cases/ttl.ts';
import type { DeliveryDeps } from '../domain/use-cases/webhook-delivery.ts';
import type { WebhookDeps } from '../domain/use-cases/webhooks.ts';
import { formatWebhookSecret, WEBHOOK_SECRET_BYTES } from '../domain/webhook-rules.ts';
import type { ReconcilerDeps, WorkflowDeps, WorkflowSettings } from '../domain/workflow/run.ts';
import { simulationConfig, webhooksConfig } from '../platform/config.ts';
import { EventBridgeBus } from './event-bus.ts';
import type { PublicationDeps } from './events.ts';
import { DnsHostResolver } from './host-resolver.ts';
import { CognitoServiceAccountIdentities } from './service-account-identities.ts';
import { StepFunctionsTaskResponder } from './task-responder.ts';
import {
  PinnedWebhookTransport,
  SqsWebhookQueue,
  SqsWebhookRetryQueue,
  signWebhook,
} from './webhook-adapters.ts';
import { StepFunctionsDeploymentStarter, StepFunctionsWorkflowStarter } from './workflow-starter.ts';

// ---------------------------------------------------------------- stores and adapters

const projects = /* @__PURE__ */ new DynamoProjectStore();
const environments = /* @__PURE__ */ new DynamoEnvironmentStore();
const schedules = /* @__PURE__ */ new DynamoScheduleStore();
const stacks = /* @__PURE__ */ new DynamoStackStore();
const operations = /* @__PURE__ */ new DynamoOperationStore();
const deployments = /* @__PURE__ */ new DynamoDeploymentStore();
const quotas = /* @__PURE__ */ new DynamoQuotaStore();
const logs = /* @__PURE__ */ new DynamoLogStore();
const eventStore = /* @__PURE__ */ new DynamoEventStore();
const metrics = /* @__PURE__ */ new DynamoMetricsStore();
const audit = /* @__PURE__ */ new DynamoAuditStore();
const workflows = /* @__PURE__ */ new StepFunctionsWorkflowStarter();
const rollouts = /* @__PURE__ */ new StepFunctionsDeploymentStarter();
/** Lifecycle events are recorded by the stores; this one records those that go with no other write. */
const events = eventStore;

// ---------------------------------------------------------------- settings (read on first use)

function environmentSettings(): EnvironmentSettings {
  const config = simulationConfig();
  return {
    defaultRegion: config.DEFAULT_REGION,
    defaultAccountId: config.DEFAULT_ACCOUNT_ID,
    defaultTtlHours: config.DEFAULT_TTL_HOURS,
    maxTtlHours: config.MAX_TTL_HOURS,
    approvalTimeoutSeconds: config.APPROVAL_TIMEOUT_SECONDS,
  };
}

function sweepSettings(): EnvironmentSettings & SweepSettings {
  return { ...environmentSettings(), warningMinutes: simulationConfig().EXPIRY_WARNING_MINUTES };
}

function workflowSettings(): WorkflowSettings {
  const config = simulationConfig();
  return { timeScale: config.SIMULATION_TIME_SCALE, baseDomain: config.BASE_DOMAIN };
}

function rolloutSettings(): DeploymentStepSettings {
  return { timeScale: simulationConfig().SIMULATION_TIME_SCALE };
}

function catalogSettings(): CatalogSettings {
  const config = simulationConfig();
  return { defaultRegion: config.DEFAULT_REGION, defaultAccountId: config.DEFAULT_ACCOUNT_ID };
}

// ---------------------------------------------------------------- one deps object per family
// Each lists its members (a spread would keep every member of the spread object in the bundle).

const serviceAccounts = /* @__PURE__ */ new DynamoServiceAccountStore();

/** Projects, and their service accounts' records (a project with some is not deleted, §44). */
export const projectDeps: ProjectDeps & {
  serviceAccounts: DynamoServiceAccountStore;
  webhooks: DynamoWebhookStore;
} = {
  projects,
  serviceAccounts,
  webhooks: /* @__PURE__ */ new DynamoWebhookStore(),
};

export const serviceAccountDeps: ServiceAccountDeps = {
  projects,
  serviceAccounts,
  identities: /* @__PURE__ */ new CognitoServiceAccountIdentities(),
};

export const webhookDeps: WebhookDeps = {
  projects,
  webhooks: /* @__PURE__ */ new DynamoWebhookStore(),
  resolver: /* @__PURE__ */ new DnsHostResolver(),
  newSecret: () => formatWebhookSecret(randomBytes(WEBHOOK_SECRET_BYTES)),
  settings: () => ({ allowLoopback: webhooksConfig().WEBHOOKS_ALLOW_LOOPBACK === 'true' }),
  deliveries: /* @__PURE__ */ new DynamoWebhookDeliveryStore(),
  delivery: () => webhookDeliveryDeps,
};

export const environmentDeps: EnvironmentDeps = {
  projects,
  environments,
  stacks,
  operations,
  quotas,
  logs,
  workflows,
  events,
  get settings() {
    return environmentSettings();
  },
};

/** Answering approvals (and cancelling an operation that waits for one): the records and the waiting task. */
export const approvalDeps: ApprovalDeps = {
  projects,
  environments,
  stacks,
  operations,
  responder: /* @__PURE__ */ new StepFunctionsTaskResponder(),
};

export const deploymentDeps: DeploymentDeps = {
  environments,
  deployments,
  logs,
  starter: rollouts,
};

/** Pull-request previews (docs/decisions.md §46): the hook and the publisher create, deploy, destroy. */
export const previewDeps: PreviewDeps = {
  projects,
  previews: /* @__PURE__ */ new DynamoPreviewStore(),
  environments,
  newSecret: () => randomBytes(PREVIEW_SECRET_BYTES).toString('hex'),
  environment: () => environmentDeps,
  deployment: () => deploymentDeps,
};

export const runStreamDeps: RunStreamDeps = {
  environments,
  operations,
  deployments,
  logs,
};

export const insightsDeps: InsightsDeps & AuditDeps = {
  events: eventStore,
  environments,
  projects,
  metrics,
  audit,
};

export const catalogDeps: CatalogDeps = {
  quotas,
  get settings() {
    return catalogSettings();
  },
};

export const auditDeps: AuditDeps = { audit };

/** One caller's idempotency records (Powertools' persistence layer, a new one per request). */
export const idempotencyDeps = { persistence: idempotencyPersistence };

export const workflowDeps: WorkflowDeps = {
  operations,
  stacks,
  get settings() {
    return workflowSettings();
  },
};

export const deploymentStepDeps: DeploymentStepDeps = {
  deployments,
  logs,
  get settings() {
    return rolloutSettings();
  },
};

export const reconcilerDeps: ReconcilerDeps = {
  operations,
  stacks,
  environments,
};

/** Publishing recorded events from the table's stream (docs/decisions.md §35). */
const webhooks = /* @__PURE__ */ new DynamoWebhookStore();
const webhookSettings = () => ({
  allowLoopback: webhooksConfig().WEBHOOKS_ALLOW_LOOPBACK === 'true',
  retryScale: webhooksConfig().WEBHOOK_RETRY_SCALE,
  timeoutMs: webhooksConfig().WEBHOOK_TIMEOUT_SECONDS * 1000,
});

export const publicationDeps: PublicationDeps = {
  events: eventStore,
  bus: /* @__PURE__ */ new EventBridgeBus(),
  previews: previewDeps,
  get webhooks() {
    return SqsWebhookQueue.configured() ? { webhooks, queue: new SqsWebhookQueue() } : undefined;
  },
};

/** The webhook sender (events/send-webhook) and the ping of the webhooks routes. */
export const webhookDeliveryDeps: DeliveryDeps = {
  webhooks,
  deliveries: /* @__PURE__ */ new DynamoWebhookDeliveryStore(),
  resolver: /* @__PURE__ */ new DnsHostResolver(),
  transport: /* @__PURE__ */ new PinnedWebhookTransport(),
  sign: signWebhook,
  settings: webhookSettings,
};

/** The sender's hold on its queue: a message to retry comes back after its backoff. */
export const webhookRetryQueue = /* @__PURE__ */ new SqsWebhookRetryQueue();

export const sweeperDeps: SweeperDeps = {
  projects,
  environments,
  stacks,
  operations,
  quotas,
  logs,
  workflows,
  events,
  schedules,
  get settings() {
    return sweepSettings();
  },
};
