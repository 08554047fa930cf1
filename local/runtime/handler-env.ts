/**
 * The environment local mode gives the handlers. They learn where everything is only
 * through the variables `functions/platform/config.ts` reads, exactly as in Lambda.
 */

import { fileURLToPath } from 'node:url';
import { STATE_MACHINES } from '../../functions/steps/step-list.ts';
import type { LocalCognito } from '../cognito.ts';
import { DEFAULT_LOCAL_TABLE_NAME, LOCAL_CREDENTIALS, type LocalDynamoDb } from '../dynamodb.ts';
import type { LocalEventBridge } from '../eventbridge.ts';
import { LOCAL_MAX_CONCURRENCY } from '../lambda-context.ts';
import type { LocalSqs } from '../sqs.ts';
import type { LocalStepFunctions } from '../stepfunctions.ts';

/** Simulated durations × 0.02: a `default` environment is running in about 30 s. */
export const DEFAULT_LOCAL_TIME_SCALE = 0.02;

/** Where `npm run build` puts the web console (served by the `console` function, §41). */
export const CONSOLE_DIST_DIR: string = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** The stand-ins the handlers are pointed at, and how they run. */
export interface HandlerEnvironmentInput {
  region: string;
  /** SIMULATION_TIME_SCALE for the steps. */
  timeScale: number;
  /** Quiet runs (tests) keep the handlers' logs to warnings and errors. */
  quiet: boolean;
  dynamodb: LocalDynamoDb;
  cognito: LocalCognito;
  stepFunctions: LocalStepFunctions;
  eventBridge: LocalEventBridge;
  /** The webhook queue (the fan-out sends to it, the sender is fed by it). */
  webhookQueue: Pick<LocalSqs, 'endpoint' | 'queueUrl'>;
  /** The web console's built files (default {@link CONSOLE_DIST_DIR}). */
  consoleAssetsDir?: string;
  /** APPROVAL_TIMEOUT_SECONDS (default: the variable if set, else the config's 7 days). */
  approvalTimeoutSeconds?: number;
  /** WEBHOOK_TIMEOUT_SECONDS (default: the variable if set, else the config's 15 s). */
  webhookTimeoutSeconds?: number;
}

/**
 * The time scale: `option` if given, else the SIMULATION_TIME_SCALE environment variable if
 * set, else {@link DEFAULT_LOCAL_TIME_SCALE}.
 */
export function resolveTimeScale(option: number | undefined): number {
  const envScale = process.env.SIMULATION_TIME_SCALE;
  const timeScale =
    option ?? (envScale !== undefined && envScale !== '' ? Number(envScale) : DEFAULT_LOCAL_TIME_SCALE);
  if (!Number.isFinite(timeScale) || timeScale < 0) {
    throw new Error(`Invalid time scale: ${timeScale}`);
  }
  return timeScale;
}

/** The variables the handlers' config reads, pointing at the stand-ins. */
export function handlerEnvironment(input: HandlerEnvironmentInput): Record<string, string> {
  const { region, dynamodb, cognito, stepFunctions, eventBridge, quiet } = input;
  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    TABLE_NAME: dynamodb.tableName ?? DEFAULT_LOCAL_TABLE_NAME,
    DYNAMODB_ENDPOINT: dynamodb.endpoint,
    SFN_ENDPOINT: stepFunctions.endpoint,
    USER_POOL_ID: cognito.userPoolId,
    USER_POOL_CLIENT_ID: cognito.clientId,
    SERVICE_ACCOUNT_CLIENT_ID: cognito.serviceAccountClientId,
    // Local mode only: webhooks may target loopback http receivers (tests; docs/decisions.md §45).
    WEBHOOKS_ALLOW_LOOPBACK: 'true',
    COGNITO_ENDPOINT: cognito.endpoint,
    EVENT_BUS_NAME: eventBridge.busName,
    EVENTBRIDGE_ENDPOINT: eventBridge.endpoint,
    SQS_ENDPOINT: input.webhookQueue.endpoint,
    WEBHOOK_QUEUE_URL: input.webhookQueue.queueUrl,
    // The webhook retry schedule runs at the simulation's pace (docs/decisions.md §45).
    WEBHOOK_RETRY_SCALE: String(Math.min(1, input.timeScale)),
    SIMULATION_TIME_SCALE: String(input.timeScale),
    CONSOLE_ASSETS_DIR: input.consoleAssetsDir ?? CONSOLE_DIST_DIR,
    // Many invocations at a time in this one process, each in its own scope (lambda-context.ts).
    AWS_LAMBDA_MAX_CONCURRENCY: LOCAL_MAX_CONCURRENCY,
  };
  if (input.approvalTimeoutSeconds !== undefined) {
    env.APPROVAL_TIMEOUT_SECONDS = String(input.approvalTimeoutSeconds);
  }
  if (input.webhookTimeoutSeconds !== undefined) {
    env.WEBHOOK_TIMEOUT_SECONDS = String(input.webhookTimeoutSeconds);
  }
  for (const machine of STATE_MACHINES) {
    const arn = stepFunctions.stateMachineArns[machine.name];
    if (arn) env[machine.arnVariable] = arn;
  }
  if (quiet && process.env.POWERTOOLS_LOG_LEVEL === undefined) {
    // The handlers log with Powertools; keep quiet runs (tests) to warnings and errors.
    env.POWERTOOLS_LOG_LEVEL = 'WARN';
  }
  if (quiet && process.env.POWERTOOLS_METRICS_DISABLED === undefined) {
    // And without their metrics lines (EMF, printed like logs outside Lambda).
    env.POWERTOOLS_METRICS_DISABLED = 'true';
  }
  return env;
}

/** Puts `env` in this process's environment, where the handlers (in-process) read it. */
export function applyHandlerEnvironment(env: Record<string, string>): void {
  // A session token from the developer's shell would be sent along with the fake keys.
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, env);
}
