/** The options of local mode and what a running one offers. */

import type { RouteDefinition } from '../../functions/api/route-types.ts';
import type { LocalCognito, SeedUser } from '../cognito.ts';
import type { LocalDynamoDb } from '../dynamodb.ts';
import type { LocalEventBridge } from '../eventbridge.ts';
import type { GatewayOptions, LocalGateway } from '../gateway.ts';
import type { LocalSqs } from '../sqs.ts';
import type { LocalStepFunctions } from '../stepfunctions.ts';
import type { LocalEventStream } from './event-stream.ts';

/** Options of `startLocal` (`local/runtime.ts`). */
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
  /**
   * How long an operation waits for an approval (APPROVAL_TIMEOUT_SECONDS for the handlers).
   * Default: the variable if set, else 7 days.
   */
  approvalTimeoutSeconds?: number;
  /** How long the webhook sender waits for an answer (WEBHOOK_TIMEOUT_SECONDS; default 15 s). */
  webhookTimeoutSeconds?: number;
  /** Told every answer of the gateway (see `GatewayOptions.onExchange`). */
  onExchange?: GatewayOptions['onExchange'];
}

/** A running local mode. */
export interface LocalRuntime {
  /** e.g. `http://127.0.0.1:3000/v1`. */
  baseUrl: string;
  port: number;
  userPoolId: string;
  clientId: string;
  /** The service accounts' app client (15-minute tokens). */
  serviceAccountClientId: string;
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
    /** The table's stream feeding the event publisher (`drain()` waits until it caught up). */
    eventStream: LocalEventStream;
    /** The webhook queue feeding the sender (`drain()` waits until it is empty). */
    webhookQueue: LocalSqs;
  };
  /** Stops everything: the gateway, executions, Cognito, and the Java process. */
  stop(): Promise<void>;
}
