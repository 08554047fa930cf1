/**
 * The concrete stores and settings the handlers pass to the domain services, created
 * once per container. Stores are stateless; clients behind them are created lazily on
 * first use, so a function only touches the services it really calls. Each construction
 * is marked pure, so a bundle keeps only what its handlers use (and, e.g., a function
 * that publishes no event does not carry the event bus or the metrics).
 */
import { DynamoDeploymentStore } from '../data/deployment-store.ts';
import { DynamoEnvironmentStore } from '../data/environment-store.ts';
import { DynamoEventStore } from '../data/event-store.ts';
import { DynamoLogStore } from '../data/log-store.ts';
import { DynamoMetricsStore } from '../data/metrics-store.ts';
import { DynamoOperationStore } from '../data/operation-store.ts';
import { DynamoProjectStore } from '../data/project-store.ts';
import { DynamoQuotaStore } from '../data/quota-store.ts';
import { DynamoScheduleStore } from '../data/schedule-store.ts';
import { DynamoStackStore } from '../data/stack-store.ts';
import type { DeploymentDeps, DeploymentStepDeps } from '../domain/use-cases/deployments.ts';
import type { EnvironmentDeps, EnvironmentSettings } from '../domain/use-cases/environments.ts';
import type { SweeperDeps } from '../domain/use-cases/ttl.ts';
import type { ReconcilerDeps, WorkflowDeps, WorkflowSettings } from '../domain/workflow/run.ts';
import { simulationConfig } from '../platform/config.ts';
import { EventBridgeBus } from './event-bus.ts';
import { LifecycleEventPublisher } from './events.ts';
import { StepFunctionsDeploymentStarter, StepFunctionsWorkflowStarter } from './workflow-starter.ts';

export const projectStore = /* @__PURE__ */ new DynamoProjectStore();
export const environmentStore = /* @__PURE__ */ new DynamoEnvironmentStore();
export const scheduleStore = /* @__PURE__ */ new DynamoScheduleStore();
export const stackStore = /* @__PURE__ */ new DynamoStackStore();
export const operationStore = /* @__PURE__ */ new DynamoOperationStore();
export const quotaStore = /* @__PURE__ */ new DynamoQuotaStore();
export const logStore = /* @__PURE__ */ new DynamoLogStore();
export const eventStore = /* @__PURE__ */ new DynamoEventStore();
export const metricsStore = /* @__PURE__ */ new DynamoMetricsStore();
export const deploymentStore = /* @__PURE__ */ new DynamoDeploymentStore();
/** Records lifecycle events (and their metric counts) and sends them to the event bus. */
export const eventPublisher = /* @__PURE__ */ new LifecycleEventPublisher(
  eventStore,
  /* @__PURE__ */ new EventBridgeBus(),
);

const workflowStarter = /* @__PURE__ */ new StepFunctionsWorkflowStarter();

export const environmentDeps: EnvironmentDeps = {
  projects: projectStore,
  environments: environmentStore,
  stacks: stackStore,
  operations: operationStore,
  workflows: workflowStarter,
  events: eventPublisher,
};

/** What the sweeper works with: the environments' use cases and the schedules. */
export const sweeperDeps: SweeperDeps = {
  projects: projectStore,
  environments: environmentStore,
  stacks: stackStore,
  operations: operationStore,
  workflows: workflowStarter,
  events: eventPublisher,
  schedules: scheduleStore,
};

export function environmentSettings(): EnvironmentSettings {
  const config = simulationConfig();
  return {
    defaultRegion: config.DEFAULT_REGION,
    defaultAccountId: config.DEFAULT_ACCOUNT_ID,
    defaultTtlHours: config.DEFAULT_TTL_HOURS,
    maxTtlHours: config.MAX_TTL_HOURS,
  };
}

export function workflowSettings(): WorkflowSettings {
  const config = simulationConfig();
  return { timeScale: config.SIMULATION_TIME_SCALE, baseDomain: config.BASE_DOMAIN };
}

/** What the workflow steps work with: the records (and their log lines) and the lifecycle events. */
export const workflowDeps: WorkflowDeps = {
  operations: operationStore,
  stacks: stackStore,
  events: eventPublisher,
};

/** What the reconciler works with: the steps' stores and the environments it reads. */
export const reconcilerDeps: ReconcilerDeps = {
  operations: operationStore,
  stacks: stackStore,
  events: eventPublisher,
  environments: environmentStore,
};

/** What the deployment steps work with. */
export const deploymentStepDeps: DeploymentStepDeps = {
  environments: environmentStore,
  deployments: deploymentStore,
  events: eventPublisher,
  logs: logStore,
};

/** What the deployment routes work with: the steps' stores and the rollout starter. */
export const deploymentDeps: DeploymentDeps = {
  // Listed, not spread: esbuild keeps a spread (it may run getters), and with it everything.
  environments: environmentStore,
  deployments: deploymentStore,
  events: eventPublisher,
  logs: logStore,
  starter: /* @__PURE__ */ new StepFunctionsDeploymentStarter(),
};
