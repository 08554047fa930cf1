/**
 * Local mode: every AWS service the API uses, replaced by an embedded stand-in, wired to
 * the same handlers, step functions and ASL files that run in AWS.
 *
 * | AWS                          | here                                              |
 * |------------------------------|---------------------------------------------------|
 * | DynamoDB                     | DynamoDB Local (Java child process)               |
 * | Cognito user pool            | cognito-local, in-process, seeded                 |
 * | Step Functions + Lambda steps| aws-local-stepfunctions behind a JSON endpoint    |
 * | API Gateway + authorizer     | a node:http gateway driven by the route table     |
 *
 * The handlers learn where everything is only through the environment variables
 * `functions/platform/config.ts` reads, exactly as in Lambda. Config is read lazily (on the
 * first request), so one runtime per process: a second runtime started in the same
 * process after the first stopped would find the handlers' config already memoised.
 *
 * Step Functions executions are kept under `<dataDir>/stepfunctions/`: one interrupted by a
 * stop (Ctrl-C mid-provisioning) is re-run from the start by the next start, as AWS would
 * have carried it on regardless of the client.
 *
 * An execution that ends FAILED, TIMED_OUT or ABORTED is reported, as the EventBridge
 * "Step Functions Execution Status Change" event, to the same reconciler AWS runs as the
 * rule's target (`functions/events/reconcile-execution.ts`), so no record stays in a
 * transitional status locally either.
 *
 * The TTL sweeper (`functions/events/sweep-environments.ts`, every minute on an EventBridge
 * schedule in AWS) runs on a timer: every `SWEEP_INTERVAL_SECONDS` (default 5; 0 = off),
 * called with the same "Scheduled Event" EventBridge sends, one run at a time.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RouteDefinition } from '../functions/api/route-types.ts';
import { STATE_MACHINES } from '../functions/steps/step-list.ts';
import { type LocalCognito, type SeedUser, startCognito } from './cognito.ts';
import {
  DEFAULT_LOCAL_TABLE_NAME,
  LOCAL_CREDENTIALS,
  type LocalDynamoDb,
  startDynamoDb,
} from './dynamodb.ts';
import { type LocalEventBridge, startEventBridge } from './eventbridge.ts';
import { type LocalGateway, startGateway } from './gateway.ts';
import {
  invokeInScope,
  LOCAL_ACCOUNT_ID,
  LOCAL_MAX_CONCURRENCY,
  lambdaContext,
  prepareInvokeStore,
} from './lambda-context.ts';
import { acquireLock, DEFAULT_DATA_DIR, type Lock } from './lock.ts';
import {
  createLocalStepFunctions,
  type ExecutionStatusChangeEvent,
  type LambdaHandler,
  type LocalStepFunctions,
} from './stepfunctions.ts';

export {
  type CognitoOptions,
  GROUPS,
  LOCAL_PASSWORD,
  type LocalCognito,
  PASSWORD_POLICY,
  SEED_USERS,
  type SeedUser,
  startCognito,
} from './cognito.ts';
export {
  type DynamoDbOptions,
  ensureTable,
  LOCAL_CREDENTIALS,
  type LocalDynamoDb,
  localDynamoDbClient,
  startDynamoDb,
} from './dynamodb.ts';
export { claimsAsStrings, type GatewayOptions, type LocalGateway, startGateway } from './gateway.ts';
export { DEFAULT_DATA_DIR } from './lock.ts';
export {
  createLocalStepFunctions,
  type ExecutionDescription,
  type ExecutionStatusChangeEvent,
  type LambdaHandler,
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
  type StateMachineSource,
} from './stepfunctions.ts';

/** Simulated durations × 0.02: a `default` environment is running in about 30 s. */
export const DEFAULT_LOCAL_TIME_SCALE = 0.02;

/** Where the EventBridge targets live (`functions/events/<name>.ts`, exporting `handler`). */
const DEFAULT_EVENTS_DIR = fileURLToPath(new URL('../functions/events', import.meta.url));
/** The target of the rule on execution status changes (see `lib/reconciler.ts`). */
const RECONCILER = 'reconcile-execution';
/** Its Lambda timeout in AWS. */
const RECONCILER_TIMEOUT_MS = 30_000;
/** The target of the schedule (see `lib/sweeper.ts`). */
/** The local event bus's name (in AWS, the bus of lib/notifications.ts). */
export const LOCAL_EVENT_BUS_NAME = 'env-provisioning-local-events';

const SWEEPER = 'sweep-environments';
/** Its Lambda timeout in AWS. */
const SWEEPER_TIMEOUT_MS = 60_000;
/** How often the sweeper runs locally when neither the option nor `SWEEP_INTERVAL_SECONDS` says. */
export const DEFAULT_SWEEP_INTERVAL_MS = 5_000;
/** How long stop() waits for a sweep in progress to finish. */
const SWEEP_STOP_WAIT_MS = 10_000;

/** Options of {@link startLocal}. */
export interface LocalOptions {
  /** Gateway port (default 3000; 0 = ephemeral). */
  port?: number;
  /** Data directory when `persist` (default `<repo>/.local`). */
  dataDir?: string;
  /**
   * Keep data across restarts under `dataDir` (DynamoDB file, Cognito users, Step Functions
   * executions, which a restart re-runs if they were still running). When false
   * (the default), DynamoDB runs in memory and Cognito in a temp dir wiped on stop.
   */
  persist?: boolean;
  /**
   * Multiplier for simulated durations (SIMULATION_TIME_SCALE for the steps). Default: the
   * SIMULATION_TIME_SCALE environment variable if set, else 0.02.
   */
  timeScale?: number;
  /** AWS region for ARNs, the pool id and the SDK clients (default us-east-1). */
  region?: string;
  /** No request and execution log lines. */
  quiet?: boolean;
  /** Overrides for tests: the route table, API handlers, step handlers, Wait durations. */
  routes?: readonly RouteDefinition[];
  handlersDir?: string;
  stepsDir?: string;
  /** Where `reconcile-execution.ts` and `sweep-environments.ts` are (default `functions/events`). */
  eventsDir?: string;
  /**
   * Milliseconds between two runs of the TTL sweeper; 0 disables it. Default: the
   * SWEEP_INTERVAL_SECONDS environment variable if set, else 5 s.
   */
  sweepIntervalMs?: number;
  waitOverrideMs?: number;
}

/** A running local mode. */
export interface LocalRuntime {
  /** e.g. `http://127.0.0.1:3000/v1`. */
  baseUrl: string;
  port: number;
  userPoolId: string;
  clientId: string;
  /** The seeded users (one per group) and their password. */
  seedUsers: readonly SeedUser[];
  /** The environment variables set for the handlers. */
  env: Record<string, string>;
  /** The data directory (a temp dir when not persisting). */
  dataDir: string;
  /** Milliseconds between two runs of the TTL sweeper (0: it does not run). */
  sweepIntervalMs: number;
  /** The stand-ins, for tests that want to look underneath (e.g. wait for an execution). */
  services: {
    dynamodb: LocalDynamoDb;
    cognito: LocalCognito;
    stepFunctions: LocalStepFunctions;
    eventBridge: LocalEventBridge;
    gateway: LocalGateway;
  };
  /** Stops everything: the gateway, executions, Cognito, and the Java process. */
  stop(): Promise<void>;
}

function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/** Starts local mode. */
export async function startLocal(options: LocalOptions = {}): Promise<LocalRuntime> {
  // First of all, as Lambda's runtime does before loading a handler (see lambda-context.ts).
  await prepareInvokeStore();
  const region = options.region ?? 'us-east-1';
  const persist = options.persist ?? false;
  const quiet = options.quiet ?? false;
  const envScale = process.env.SIMULATION_TIME_SCALE;
  const timeScale =
    options.timeScale ??
    (envScale !== undefined && envScale !== '' ? Number(envScale) : DEFAULT_LOCAL_TIME_SCALE);
  if (!Number.isFinite(timeScale) || timeScale < 0) {
    throw new Error(`Invalid time scale: ${timeScale}`);
  }
  const sweepIntervalMs = resolveSweepIntervalMs(options.sweepIntervalMs);

  const dataDir = persist
    ? resolve(options.dataDir ?? DEFAULT_DATA_DIR)
    : await mkdtemp(join(tmpdir(), 'env-provisioning-local-'));
  await mkdir(dataDir, { recursive: true });
  let lock: Lock | undefined;
  if (persist) {
    lock = acquireLock(dataDir, options.port ?? 3000);
  }

  // Everything started so far, stopped in reverse on failure or stop().
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => console.error('[local] stop failed:', error));
    }
    stops.length = 0;
    lock?.release();
    if (!persist) {
      await rm(dataDir, { recursive: true, force: true });
    }
  };

  const reconcile = localReconciler({
    region,
    quiet,
    ...(options.eventsDir ? { eventsDir: options.eventsDir } : {}),
  });

  // Resolved once everything is up: executions a previous run left RUNNING are re-run only
  // then, when the step handlers have their environment and DynamoDB answers.
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });

  try {
    // allSettled, not all: when one fails, the others must have finished starting before
    // stopAll() runs, or a Java process could be left behind.
    const [dynamodbResult, cognitoResult, stepFunctionsResult, eventBridgeResult] = await Promise.allSettled([
      startDynamoDb({
        region,
        tableName: DEFAULT_LOCAL_TABLE_NAME,
        ...(persist ? { dir: join(dataDir, 'dynamodb') } : {}),
      }),
      startCognito({ dir: join(dataDir, 'cognito'), region }),
      createLocalStepFunctions({
        region,
        quiet,
        // Always: without `persist` the data dir is a temp dir removed on stop.
        dir: join(dataDir, 'stepfunctions'),
        resumeAfter: started,
        // What the EventBridge rule of lib/reconciler.ts does in AWS.
        onStatusChange: reconcile,
        ...(options.stepsDir ? { stepsDir: options.stepsDir } : {}),
        ...(options.waitOverrideMs !== undefined ? { waitOverrideMs: options.waitOverrideMs } : {}),
      }),
      // The lifecycle event bus and its notification rule (lib/notifications.ts in AWS).
      startEventBridge({ region, busName: LOCAL_EVENT_BUS_NAME, quiet, dir: join(dataDir, 'eventbridge') }),
    ]);
    for (const result of [dynamodbResult, cognitoResult, stepFunctionsResult, eventBridgeResult]) {
      if (result.status === 'fulfilled') stops.push(result.value.stop);
    }
    const eventBridge = settledValue(eventBridgeResult);
    const dynamodb = settledValue(dynamodbResult);
    const cognito = settledValue(cognitoResult);
    const stepFunctions = settledValue(stepFunctionsResult);

    // Set before any handler module is imported (the gateway imports them on first request).
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
      COGNITO_ENDPOINT: cognito.endpoint,
      EVENT_BUS_NAME: eventBridge.busName,
      EVENTBRIDGE_ENDPOINT: eventBridge.endpoint,
      SIMULATION_TIME_SCALE: String(timeScale),
      // Many invocations at a time in this one process, each in its own scope (lambda-context.ts).
      AWS_LAMBDA_MAX_CONCURRENCY: LOCAL_MAX_CONCURRENCY,
    };
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
    // A session token from the developer's shell would be sent along with the fake keys.
    delete process.env.AWS_SESSION_TOKEN;
    Object.assign(process.env, env);

    const gateway = await startGateway({
      port: options.port ?? 3000,
      auth: { userPoolId: cognito.userPoolId, clientId: cognito.clientId, jwks: cognito.jwks },
      region,
      quiet,
      ...(options.routes ? { routes: options.routes } : {}),
      ...(options.handlersDir ? { handlersDir: options.handlersDir } : {}),
    });
    stops.push(gateway.stop);
    lock?.setPort(gateway.port);

    // What the schedule of lib/sweeper.ts does in AWS; stopped first (stops run in reverse).
    const sweeper = startLocalSweeper({
      intervalMs: sweepIntervalMs,
      region,
      quiet,
      ...(options.eventsDir ? { eventsDir: options.eventsDir } : {}),
    });
    stops.push(sweeper.stop);

    markStarted();
    let stopping: Promise<void> | undefined;
    return {
      baseUrl: gateway.baseUrl,
      port: gateway.port,
      userPoolId: cognito.userPoolId,
      clientId: cognito.clientId,
      seedUsers: cognito.seedUsers,
      env,
      dataDir,
      sweepIntervalMs,
      services: { dynamodb, cognito, stepFunctions, eventBridge, gateway },
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * The reconciler as the EventBridge rule of `lib/reconciler.ts` invokes it, for the Step
 * Functions stand-in's `onStatusChange`: `<eventsDir>/reconcile-execution.ts` imported on
 * the first event (so after the handlers' environment is set), then called like Lambda
 * calls it, with a context. A module that fails to load is imported again on the next event.
 */
export function localReconciler(
  options: { eventsDir?: string; region?: string; quiet?: boolean } = {},
): (event: ExecutionStatusChangeEvent) => Promise<void> {
  const load = lazyHandler(resolve(options.eventsDir ?? DEFAULT_EVENTS_DIR, `${RECONCILER}.ts`));
  const region = options.region ?? 'us-east-1';
  return async (event) => {
    const handler = await load();
    const context = lambdaContext({
      functionName: RECONCILER,
      region,
      accountId: event.account,
      timeoutMs: RECONCILER_TIMEOUT_MS,
    });
    const result = await invokeInScope(context, undefined, () => handler(event, context));
    if (!options.quiet) {
      const outcome = (result as { status?: unknown } | null | undefined)?.status;
      console.log(
        `[events] ${RECONCILER}: ${event.detail.name} ${event.detail.status}${outcome === undefined ? '' : ` → ${String(outcome)}`}`,
      );
    }
  };
}

/**
 * `import()`s a handler module on first use (so after the handlers' environment is set),
 * like Lambda loads a function on its first invocation. A module that fails to load is
 * imported again on the next call.
 */
function lazyHandler(file: string): () => Promise<LambdaHandler> {
  let loading: Promise<LambdaHandler> | undefined;
  return () => {
    if (!loading) {
      const attempt = import(pathToFileURL(file).href).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') {
          throw new Error(`${file} exports no handler`);
        }
        return module.handler as LambdaHandler;
      });
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
      loading = attempt;
    }
    return loading;
  };
}

/**
 * The sweep interval: `option` if given, else `SWEEP_INTERVAL_SECONDS` (seconds, fractions
 * allowed), else {@link DEFAULT_SWEEP_INTERVAL_MS}; 0 disables the sweeper.
 */
export function resolveSweepIntervalMs(
  option: number | undefined,
  envSeconds: string | undefined = process.env.SWEEP_INTERVAL_SECONDS,
): number {
  if (option !== undefined) {
    if (!Number.isFinite(option) || option < 0) throw new Error(`Invalid sweep interval: ${option} ms`);
    return option;
  }
  if (envSeconds === undefined || envSeconds.trim() === '') return DEFAULT_SWEEP_INTERVAL_MS;
  const seconds = Number(envSeconds);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`Invalid SWEEP_INTERVAL_SECONDS: ${envSeconds} (a number of seconds, 0 to disable)`);
  }
  return Math.round(seconds * 1000);
}

/** The event an EventBridge schedule delivers to its target. */
export interface ScheduledEvent {
  version: '0';
  id: string;
  'detail-type': 'Scheduled Event';
  source: 'aws.events';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, never>;
}

/** Options of {@link startLocalSweeper}. */
export interface LocalSweeperOptions {
  /** Milliseconds between the end of one run and the start of the next; 0 = never run. */
  intervalMs: number;
  /** Where `sweep-environments.ts` is (default `functions/events`). */
  eventsDir?: string;
  region?: string;
  /** No log line for sweeps that did something (errors are always logged). */
  quiet?: boolean;
}

/** A running sweeper timer. */
export interface LocalSweeper {
  intervalMs: number;
  /** Cancels the next run and waits (up to 10 s) for one in progress. */
  stop(): Promise<void>;
}

/**
 * The schedule of `lib/sweeper.ts` as a timer: every `intervalMs`, `<eventsDir>/sweep-environments.ts`
 * (imported on the first run) is called with a "Scheduled Event" and a Lambda context. Runs
 * never overlap: the next one is scheduled when the previous one has finished. A failing
 * run is logged and the timer carries on, as the schedule would. The timer does not keep
 * the process alive on its own.
 */
export function startLocalSweeper(options: LocalSweeperOptions): LocalSweeper {
  const { intervalMs } = options;
  if (!Number.isFinite(intervalMs) || intervalMs < 0)
    throw new Error(`Invalid sweep interval: ${intervalMs} ms`);
  if (intervalMs === 0) return { intervalMs, stop: () => Promise.resolve() };

  const region = options.region ?? 'us-east-1';
  const load = lazyHandler(resolve(options.eventsDir ?? DEFAULT_EVENTS_DIR, `${SWEEPER}.ts`));
  const ruleArn = `arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/${SWEEPER}`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const sweep = async (): Promise<void> => {
    const event: ScheduledEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT_ID,
      // EventBridge's format: whole seconds.
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: [ruleArn],
      detail: {},
    };
    try {
      const handler = await load();
      const context = lambdaContext({ functionName: SWEEPER, region, timeoutMs: SWEEPER_TIMEOUT_MS });
      const result = await invokeInScope(context, undefined, () => handler(event, context));
      if (!options.quiet) {
        const summary = summarize(result);
        if (summary) console.log(`[events] ${SWEEPER}: ${summary}`);
      }
    } catch (error) {
      console.error(`[events] ${SWEEPER} failed:`, error);
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = sweep().finally(() => {
        running = undefined;
        schedule();
      });
    }, intervalMs);
    timer.unref();
  };
  schedule();

  let stopping: Promise<void> | undefined;
  return {
    intervalMs,
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        timer = undefined;
        if (running) await Promise.race([running, sleep(SWEEP_STOP_WAIT_MS, undefined, { ref: false })]);
      })();
      return stopping;
    },
  };
}

/** `started: 2 (env_a, env_b)` for the non-empty lists in a sweep's result; empty when it did nothing. */
function summarize(result: unknown): string {
  if (typeof result !== 'object' || result === null) return '';
  return Object.entries(result)
    .filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]) && entry[1].length > 0)
    .map(
      ([key, list]) =>
        `${key}: ${list.length} (${list.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ')})`,
    )
    .join('; ');
}
