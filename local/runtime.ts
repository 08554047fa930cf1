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
 * Besides the stand-ins, local mode runs the EventBridge targets AWS runs: the reconciler
 * of executions that end abnormally, fed by the Step Functions stand-in, and the TTL
 * sweeper, on a timer; and the table stream's target, the lifecycle event publisher, fed by a
 * poller of DynamoDB Local's stream.
 *
 * The parts, under `local/runtime/`: `api.ts` (the options and the running runtime),
 * `handler-env.ts` (the handlers' environment), `reconciler.ts` and `sweeper.ts` (the
 * EventBridge targets), `event-stream.ts` (the stream poller) and `lazy-handler.ts` (how they load their handler). This file starts
 * and stops everything.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startCognito } from './cognito.ts';
import { DEFAULT_LOCAL_TABLE_NAME, startDynamoDb } from './dynamodb.ts';
import { startEventBridge } from './eventbridge.ts';
import { startGateway } from './gateway.ts';
import { prepareInvokeStore } from './lambda-context.ts';
import { acquireLock, DEFAULT_DATA_DIR, type Lock } from './lock.ts';
import type { LocalOptions, LocalRuntime } from './runtime/api.ts';
import { startLocalEventStream } from './runtime/event-stream.ts';
import { applyHandlerEnvironment, handlerEnvironment, resolveTimeScale } from './runtime/handler-env.ts';
import { DEFAULT_EVENTS_DIR, lazyHandler } from './runtime/lazy-handler.ts';
import { localReconciler } from './runtime/reconciler.ts';
import { resolveSweepIntervalMs, startLocalSweeper } from './runtime/sweeper.ts';
import { type SqsHandler, startLocalSqs } from './sqs.ts';
import { createLocalStepFunctions } from './stepfunctions.ts';

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
export type { LocalOptions, LocalRuntime } from './runtime/api.ts';
export { DEFAULT_LOCAL_TIME_SCALE } from './runtime/handler-env.ts';
export { localReconciler } from './runtime/reconciler.ts';
export {
  DEFAULT_SWEEP_INTERVAL_MS,
  type LocalSweeper,
  type LocalSweeperOptions,
  resolveSweepIntervalMs,
  type ScheduledEvent,
  startLocalSweeper,
} from './runtime/sweeper.ts';
export {
  createLocalStepFunctions,
  type ExecutionDescription,
  type ExecutionStatusChangeEvent,
  type LambdaHandler,
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
  type StateMachineSource,
} from './stepfunctions.ts';

/** The local event bus's name (in AWS, the bus of lib/notifications.ts). */
export const LOCAL_EVENT_BUS_NAME = 'env-provisioning-local-events';

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
  const timeScale = resolveTimeScale(options.timeScale);
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

    // What the SQS queue and event source mapping of the webhook sender do in AWS (§45): the
    // fan-out sends to it, the same sender handler is called with SQS-shaped events.
    const sender = lazyHandler(join(options.eventsDir ?? DEFAULT_EVENTS_DIR, 'send-webhook.ts'));
    const webhookQueue = await startLocalSqs({
      region,
      quiet,
      handler: async () => (await sender()) as unknown as SqsHandler,
    });
    stops.push(webhookQueue.stop);

    // Set before any handler module is imported (the gateway imports them on first request).
    const env = handlerEnvironment({
      webhookQueue,
      region,
      timeScale,
      quiet,
      dynamodb,
      cognito,
      stepFunctions,
      eventBridge,
      ...(options.approvalTimeoutSeconds === undefined
        ? {}
        : { approvalTimeoutSeconds: options.approvalTimeoutSeconds }),
      ...(options.webhookTimeoutSeconds === undefined
        ? {}
        : { webhookTimeoutSeconds: options.webhookTimeoutSeconds }),
    });
    applyHandlerEnvironment(env);

    const gateway = await startGateway({
      port: options.port ?? 3000,
      auth: {
        userPoolId: cognito.userPoolId,
        clientId: cognito.clientId,
        otherClientIds: [cognito.serviceAccountClientId],
        jwks: cognito.jwks,
      },
      region,
      quiet,
      ...(options.routes ? { routes: options.routes } : {}),
      ...(options.handlersDir ? { handlersDir: options.handlersDir } : {}),
      ...(options.onExchange ? { onExchange: options.onExchange } : {}),
    });
    stops.push(gateway.stop);
    lock?.setPort(gateway.port);

    // What the stream's event source mapping of lib/event-publisher.ts does in AWS: lifecycle
    // events recorded in the table are published (bus, notifications, counters) by the same
    // handler; it resumes after the last handled record (its checkpoint is in the data dir).
    const eventStream = await startLocalEventStream({
      endpoint: dynamodb.endpoint,
      tableName: DEFAULT_LOCAL_TABLE_NAME,
      region,
      quiet,
      dir: join(dataDir, 'eventstream'),
      ...(options.eventsDir ? { eventsDir: options.eventsDir } : {}),
    });
    stops.push(eventStream.stop);

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
      serviceAccountClientId: cognito.serviceAccountClientId,
      seedUsers: cognito.seedUsers,
      env,
      dataDir,
      sweepIntervalMs,
      services: { dynamodb, cognito, stepFunctions, eventBridge, gateway, eventStream, webhookQueue },
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
