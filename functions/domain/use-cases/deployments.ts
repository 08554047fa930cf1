/**
 * Application deployments: the API's use cases (start one, read them, their logs) and
 * the steps of the `deploy-release` state machine. A deployment holds its environment
 * (`active_deployment_id`) from creation to its end, so there is one at a time and no
 * operation runs under it; every step write is conditional on the deployment's status.
 */

import { actorOf, assertVisible, type Principal } from '../access.ts';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  StaleOperationError,
  ValidationError,
} from '../errors.ts';
import { newId, nowIso } from '../ids.ts';
import type { CreateDeploymentInput } from '../inputs.ts';
import { assertSettled, IN_PROGRESS_STATUSES } from '../lifecycle.ts';
import { deploymentEvent } from '../lifecycle-events.ts';
import { logEvent } from '../logs.ts';
import type { DeploymentRecord, LogRecord, Page, PageRequest } from '../model.ts';
import type {
  DeploymentOutcome,
  DeploymentStarter,
  DeploymentStore,
  EnvironmentStore,
  LogStore,
} from '../ports.ts';
import {
  batchWaitSeconds,
  checkHealth,
  failureOutcome,
  HealthCheckFailedError,
  instancesAt,
  plannedBatches,
  rollbackWaitSeconds,
} from '../rollout-rules.ts';
import type { ExecutionStatusChange } from '../workflow/contracts.ts';
import { failureReason } from '../workflow/failure.ts';
import {
  environmentRef,
  explainLostRace,
  getModifiableEnvironment,
  getVisibleEnvironment,
} from './environments.ts';

/** What the deployment routes work with. */
export interface DeploymentDeps {
  environments: EnvironmentStore;
  deployments: DeploymentStore;
  starter: DeploymentStarter;
  logs: LogStore;
}

export interface DeploymentStepSettings {
  /** Multiplies simulated durations (0 = no waits). */
  timeScale: number;
}

/** What the rollout's steps (and the sweeper's and reconciler's part) work with: they start nothing. */
export interface DeploymentStepDeps {
  deployments: DeploymentStore;
  logs: LogStore;
  settings: DeploymentStepSettings;
}

/** Log lines of a deployment never fail it (like the operations' logs). */
function logRecords(deployment: DeploymentRecord, lines: LogDraft[]): LogRecord[] {
  return lines.map((line) => ({
    ...logEvent(deployment.environment_id, null, null, line.level, line.message, line.at ?? nowIso()),
    deployment_id: deployment.id,
  }));
}

async function log(deps: Pick<DeploymentDeps, 'logs'>, deployment: DeploymentRecord, lines: LogDraft[]) {
  try {
    await deps.logs.append(logRecords(deployment, lines));
  } catch {
    // Best effort by design.
  }
}

interface LogDraft {
  level: LogRecord['level'];
  message: string;
  at?: string;
}

function describePlan(deployment: DeploymentRecord): string {
  return deployment.batches.map((b) => `${b.percent}%`).join(' → ');
}

// ---------------------------------------------------------------- API

export async function createDeployment(
  deps: DeploymentDeps,
  principal: Principal,
  environmentId: string,
  input: CreateDeploymentInput,
): Promise<DeploymentRecord> {
  const environment = await getModifiableEnvironment(deps, principal, environmentId);
  // An operation in progress is named (409 OPERATION_IN_PROGRESS), so is a rollout in progress.
  if (environment.status === 'running' || IN_PROGRESS_STATUSES.includes(environment.status)) {
    assertSettled(environment);
  }
  if (environment.status !== 'running') {
    throw new ConflictError(
      `Environment ${environmentId} is ${environment.status}: deployments need a running environment`,
      'ILLEGAL_STATE',
      { status: environment.status },
    );
  }
  const batches = plannedBatches(input.strategy);
  const failAt = input.simulate?.fail_at_batch;
  if (failAt !== undefined && failAt > batches.length) {
    throw new ValidationError([
      {
        field: 'simulate.fail_at_batch',
        message: `a ${input.strategy} deployment has ${batches.length} batch${batches.length === 1 ? '' : 'es'}`,
      },
    ]);
  }
  const at = nowIso();
  const deployment: DeploymentRecord = {
    id: newId('dep'),
    environment_id: environment.id,
    project_id: environment.project_id,
    owner_id: environment.owner_id,
    version: input.version,
    strategy: input.strategy,
    status: 'pending',
    previous_version: environment.current_version ?? null,
    batches,
    simulate: input.simulate ?? null,
    error: null,
    requested_by: actorOf(principal),
    created_at: at,
    started_at: null,
    finished_at: null,
  };
  // Its `deployment.started` event is recorded with it (published from the table).
  const started = deploymentEvent('deployment.started', environment, deployment.id, at, {
    version: deployment.version,
    strategy: deployment.strategy,
    previous_version: deployment.previous_version,
  });
  await deps.deployments.create(environment, deployment, [started]).catch((error: unknown) =>
    // It lost the environment to another change: an operation or a rollout in progress is
    // named, and so is an environment no longer running.
    explainLostRace(deps.environments, environment.id, error, {
      deploymentsBlock: true,
      explain: (current) => {
        if (current.status !== 'running') {
          throw new ConflictError(
            `Environment ${environmentId} is ${current.status}: deployments need a running environment`,
            'ILLEGAL_STATE',
            { status: current.status },
          );
        }
      },
    }),
  );
  // Started before anything else: the record holds the environment until its rollout ends,
  // so the rollout must exist as soon as possible (a stalled one is failed by the sweeper).
  let startError: unknown = null;
  try {
    await deps.starter.start({ environment_id: environment.id, deployment_id: deployment.id });
  } catch (cause) {
    startError = cause ?? new Error('StartExecution failed');
  }
  await log(deps, deployment, [
    {
      level: 'INFO',
      message: `Deployment of ${deployment.version} requested (${deployment.strategy}: ${describePlan(deployment)})`,
      at,
    },
  ]);
  if (startError) {
    try {
      await endDeployment(deps, deployment, {
        status: 'failed',
        error: 'The workflow could not be started',
        at: nowIso(),
      });
    } catch {
      // Left pending: the sweeper fails deployments whose rollout never started.
    }
    throw new ServiceUnavailableError(
      `Deployment ${deployment.id} could not be started; the environment is unchanged, please retry`,
      { cause: startError, extra: { deployment_id: deployment.id } },
    );
  }
  return deployment;
}

export async function getDeployment(
  deps: Pick<DeploymentDeps, 'deployments'>,
  principal: Principal,
  deploymentId: string,
): Promise<DeploymentRecord> {
  const deployment = await deps.deployments.get(deploymentId);
  if (!deployment) throw new NotFoundError('Deployment', deploymentId);
  assertVisible(principal, environmentRef(deployment), 'Deployment', deploymentId);
  return deployment;
}

export async function listDeployments(
  deps: Pick<DeploymentDeps, 'deployments' | 'environments'>,
  principal: Principal,
  environmentId: string,
  page: PageRequest,
): Promise<Page<DeploymentRecord>> {
  await getVisibleEnvironment(deps, principal, environmentId);
  return deps.deployments.listByEnvironment(environmentId, page);
}

export async function listDeploymentLogs(
  deps: Pick<DeploymentDeps, 'deployments' | 'logs'>,
  principal: Principal,
  deploymentId: string,
  page: PageRequest,
): Promise<Page<LogRecord>> {
  const deployment = await getDeployment(deps, principal, deploymentId);
  // From its creation on: the environment's older history cannot hold its lines.
  return deps.logs.list(
    deployment.environment_id,
    { deployment_id: deployment.id, since: deployment.created_at },
    page,
  );
}

// ---------------------------------------------------------------- steps

/** What the API passes to StartExecution. */
export interface DeploymentRef {
  environment_id: string;
  deployment_id: string;
}
/** One batch of the rollout (the Map state's items). */
export interface BatchInput extends DeploymentRef {
  batch: number;
}
export interface BatchStarted extends BatchInput {
  wait_seconds: number;
}
/** Output of `start-deployment`. */
export interface RolloutPlan extends DeploymentRef {
  batches: BatchInput[];
}
/** Input of `roll-back-deployment`: the reference plus the error the rollout failed with. */
export interface RollbackInput extends DeploymentRef {
  error?: { Error?: string; Cause?: string } | undefined;
}
/** Output of `roll-back-deployment`, input of `finish-deployment` after it. */
export interface RollbackPlan extends DeploymentRef {
  outcome: 'rolled_back' | 'failed';
  reason: string;
  wait_seconds: number;
}
/** Input of `finish-deployment`: a rollout that succeeded, or the end of a rollback. */
export interface FinishInput extends DeploymentRef {
  outcome?: 'rolled_back' | 'failed';
  reason?: string;
}

async function loadDeployment(deps: DeploymentStepDeps, ref: DeploymentRef): Promise<DeploymentRecord> {
  const deployment = await deps.deployments.get(ref.deployment_id);
  if (!deployment) throw new NotFoundError('Deployment', ref.deployment_id);
  return deployment;
}

/** Ends a deployment, its event and its outcome's log line in the same write; nothing if it had already ended. */
async function endDeployment(
  deps: Pick<DeploymentDeps, 'deployments' | 'logs'>,
  deployment: DeploymentRecord,
  outcome: DeploymentOutcome,
): Promise<boolean> {
  const message =
    outcome.status === 'succeeded'
      ? `Deployment succeeded: ${deployment.version} is serving on all ${instancesAt(100)} instances`
      : outcome.status === 'rolled_back'
        ? `Deployment rolled back: ${deployment.previous_version} is serving again (${outcome.error})`
        : `Deployment failed: ${outcome.error}`;
  const outcomeLog = logRecords(deployment, [
    { level: outcome.status === 'succeeded' ? 'INFO' : 'ERROR', message, at: outcome.at },
  ]);
  const serving = outcome.currentVersion ?? deployment.previous_version;
  const ended = await deps.deployments.finish(
    deployment,
    outcome,
    [
      deploymentEvent(
        `deployment.${outcome.status}`,
        { id: deployment.environment_id, project_id: deployment.project_id, owner_id: deployment.owner_id },
        deployment.id,
        outcome.at,
        {
          version: deployment.version,
          strategy: deployment.strategy,
          previous_version: deployment.previous_version,
          current_version: serving,
          error: outcome.error,
        },
      ),
    ],
    outcomeLog,
  );
  return ended;
}

export async function startDeployment(deps: DeploymentStepDeps, ref: DeploymentRef): Promise<RolloutPlan> {
  const deployment = await loadDeployment(deps, ref);
  await deps.deployments.start(deployment.id, nowIso());
  const from = deployment.previous_version ? ` (replacing ${deployment.previous_version})` : '';
  await log(deps, deployment, [
    {
      level: 'INFO',
      message: `Rolling out ${deployment.version}${from} in ${deployment.batches.length} batch${deployment.batches.length === 1 ? '' : 'es'}: ${describePlan(deployment)}`,
    },
  ]);
  return {
    ...ref,
    batches: deployment.batches.map((b) => ({ ...ref, batch: b.number })),
  };
}

function batchOf(deployment: DeploymentRecord, number: number) {
  const batch = deployment.batches.find((b) => b.number === number);
  if (!batch) throw new NotFoundError('Batch', `${deployment.id}/${number}`);
  return batch;
}

export async function deployBatch(deps: DeploymentStepDeps, input: BatchInput): Promise<BatchStarted> {
  const deployment = await loadDeployment(deps, input);
  const batch = batchOf(deployment, input.batch);
  // A batch never starts once the rollout has stopped (an earlier batch failed its check,
  // or the deployment ended). Step Functions does not start it either; the guard keeps the
  // record right whatever runs the Map (the local runner starts queued items regardless).
  const failed = deployment.batches.find((b) => b.number < batch.number && b.status === 'unhealthy');
  if (deployment.status !== 'running' || failed) {
    throw new StaleOperationError(
      `Deployment ${deployment.id} is no longer rolling out${failed ? `: batch ${failed.number} failed its health check` : ''}`,
    );
  }
  const at = nowIso();
  await deps.deployments.setBatch(deployment.id, {
    ...batch,
    status: 'deploying',
    started_at: at,
    finished_at: null,
  });
  await log(deps, deployment, [
    {
      level: 'INFO',
      message: `Batch ${batch.number}/${deployment.batches.length}: deploying ${deployment.version} to ${batch.percent}% of instances (${instancesAt(batch.percent)} of ${instancesAt(100)})`,
      at,
    },
  ]);
  return { ...input, wait_seconds: batchWaitSeconds(deployment.strategy, deps.settings.timeScale) };
}

/** The health check after a batch: records it, and throws `HealthCheckFailedError` when it fails. */
export async function checkBatchHealth(deps: DeploymentStepDeps, input: BatchInput): Promise<BatchInput> {
  const deployment = await loadDeployment(deps, input);
  const batch = batchOf(deployment, input.batch);
  const health = checkHealth(deployment, deployment.simulate, batch);
  const at = nowIso();
  await deps.deployments.setBatch(deployment.id, {
    ...batch,
    status: health.healthy ? 'healthy' : 'unhealthy',
    finished_at: at,
  });
  if (health.healthy) {
    await log(deps, deployment, [
      {
        level: 'INFO',
        message: `Batch ${batch.number}: health check passed on ${health.instances} instances`,
        at,
      },
    ]);
    return input;
  }
  const message = `Health check failed on batch ${batch.number} (${batch.percent}%): ${health.unhealthy} of ${health.instances} instances unhealthy`;
  await log(deps, deployment, [{ level: 'ERROR', message, at }]);
  throw new HealthCheckFailedError(message);
}

/** After a failed batch: back to the previous version if there is one. */
export async function rollBackDeployment(
  deps: DeploymentStepDeps,
  input: RollbackInput,
): Promise<RollbackPlan> {
  const deployment = await loadDeployment(deps, input);
  const reason = failureReason(input.error);
  const outcome = failureOutcome(deployment);
  await log(deps, deployment, [
    outcome === 'rolled_back'
      ? { level: 'WARN', message: `Rolling back to ${deployment.previous_version} on all instances` }
      : { level: 'WARN', message: 'No earlier successful version to roll back to' },
  ]);
  return {
    environment_id: input.environment_id,
    deployment_id: input.deployment_id,
    outcome,
    reason,
    wait_seconds: outcome === 'rolled_back' ? rollbackWaitSeconds(deps.settings.timeScale) : 0,
  };
}

export async function finishDeployment(
  deps: DeploymentStepDeps,
  input: FinishInput,
): Promise<{ status: string }> {
  const deployment = await loadDeployment(deps, input);
  const at = nowIso();
  const outcome: DeploymentOutcome = input.outcome
    ? { status: input.outcome, error: input.reason ?? null, at }
    : { status: 'succeeded', error: null, currentVersion: deployment.version, at };
  await endDeployment(deps, deployment, outcome);
  return { status: (await loadDeployment(deps, input)).status };
}

/** The catch-all: an unexpected error ended the rollout; it is failed, the environment released. */
export async function failDeployment(
  deps: DeploymentStepDeps,
  input: RollbackInput,
): Promise<{ status: string }> {
  const deployment = await deps.deployments.get(input.deployment_id);
  if (!deployment || (deployment.status !== 'pending' && deployment.status !== 'running')) {
    return { status: 'already-settled' };
  }
  await endDeployment(deps, deployment, {
    status: 'failed',
    error: failureReason(input.error),
    at: nowIso(),
  });
  return { status: 'failed' };
}

/** How long a deployment may stay `pending` (its rollout not started) before the sweeper fails it. */
export const STALLED_DEPLOYMENT_MINUTES = 5;

/**
 * Fails deployments whose rollout never started (the API crashed between recording one and
 * starting its execution), so they do not hold their environment forever. Run by the sweeper.
 * Should the execution start after all, its first step finds the deployment ended and stops.
 */
export async function failStalledDeployments(deps: DeploymentStepDeps, now: Date): Promise<string[]> {
  const before = new Date(now.getTime() - STALLED_DEPLOYMENT_MINUTES * 60_000).toISOString();
  const failed: string[] = [];
  for (const deployment of await deps.deployments.listPendingBefore(before, 100)) {
    const ended = await endDeployment(deps, deployment, {
      status: 'failed',
      error: 'The rollout never started',
      at: now.toISOString(),
    });
    if (ended) failed.push(deployment.id);
  }
  return failed;
}

/** The reconciler for deploy-release executions that failed, timed out or were aborted. */
export async function reconcileDeployment(
  deps: DeploymentStepDeps,
  change: ExecutionStatusChange,
  deploymentId: string,
): Promise<{ status: string }> {
  if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(change.status)) return { status: 'ignored' };
  const reason =
    change.status === 'TIMED_OUT'
      ? 'The workflow timed out'
      : change.status === 'ABORTED'
        ? 'The workflow was stopped'
        : failureReason({ Error: change.error ?? undefined, Cause: change.cause ?? undefined });
  const deployment = await deps.deployments.get(deploymentId);
  if (!deployment || (deployment.status !== 'pending' && deployment.status !== 'running')) {
    return { status: 'already-settled' };
  }
  await endDeployment(deps, deployment, { status: 'failed', error: reason, at: nowIso() });
  return { status: 'failed' };
}
