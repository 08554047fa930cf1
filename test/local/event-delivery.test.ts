/**
 * Lifecycle events are never lost (docs/decisions.md §35): they are written in the
 * transaction of their change and published from the table's stream, at least once, to
 * consumers that deduplicate on the event id. A process that recorded events is SIGKILLed
 * in the publishing path (test/local/fixtures/crash-publisher.ts); the poller restarted
 * from its checkpoint delivers every event, once per consumer: the bus, the notification
 * target, the counters, the events list. A stream record delivered twice counts once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentEvent } from '../../functions/domain/lifecycle-events.ts';
import { getMetrics } from '../../functions/domain/use-cases/events.ts';
import { type LocalDynamoDb, startDynamoDb } from '../../local/dynamodb.ts';
import { type LocalEventBridge, startEventBridge } from '../../local/eventbridge.ts';
import { startLocalEventStream } from '../../local/runtime/event-stream.ts';

const TABLE = 'event-delivery-tests';
const FIXTURE = fileURLToPath(new URL('./fixtures/crash-publisher.ts', import.meta.url));

let dynamo: LocalDynamoDb;
let bus: LocalEventBridge;
let deps: typeof import('../../functions/app/dependencies.ts');
let publisher: typeof import('../../functions/events/publish-events.ts');
const dirs: string[] = [];

beforeAll(async () => {
  [dynamo, bus] = await Promise.all([
    startDynamoDb({ tableName: TABLE }),
    startEventBridge({ region: 'us-east-1', busName: `${TABLE}-bus`, quiet: true }),
  ]);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: TABLE,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    EVENT_BUS_NAME: bus.busName,
    EVENTBRIDGE_ENDPOINT: bus.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  deps = await import('../../functions/app/dependencies.ts');
  publisher = await import('../../functions/events/publish-events.ts');
});

afterAll(async () => {
  await bus?.stop();
  await dynamo?.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'event-delivery-'));
  dirs.push(dir);
  return dir;
}

const metricsNow = () => getMetrics(deps.insightsDeps, '1h', new Date());

/** Runs the crashing process to its end: its stdout and how it ended. */
function runCrashingPublisher(killAt: 'delivery' | 'bus', streamDir: string) {
  const child: ChildProcess = spawn(process.execPath, [FIXTURE], {
    env: {
      ...process.env,
      KILL_AT: killAt,
      STREAM_DIR: streamDir,
      // Unreachable: the provision is settled `failed` at once, with its events.
      SFN_ENDPOINT: 'http://127.0.0.1:9',
      PROVISION_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:provision-environment',
      DESTROY_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:destroy-environment',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ stdout: string; stderr: string; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (_code, signal) => resolve({ stdout, stderr, signal }));
  });
}

/** Restarts the poller with the real publisher, lets it catch up with the stream, stops it. */
async function publishFrom(dir: string | undefined): Promise<void> {
  const stream = await startLocalEventStream({
    endpoint: dynamo.endpoint,
    tableName: TABLE,
    ...(dir ? { dir } : {}),
    handler: (event) => publisher.handler(event),
    idleMs: 50,
    quiet: true,
  });
  try {
    await stream.drain();
  } finally {
    await stream.stop();
  }
}

/** How many times each id reached the bus and the notification target. */
function deliveries(ids: string[]) {
  const count = (list: { detail: Record<string, unknown> }[], id: string) =>
    list.filter((e) => e.detail.id === id).length;
  return {
    bus: ids.map((id) => count(bus.events, id)),
    notifications: ids.map((id) => count(bus.notifications, id)),
  };
}

describe('a lifecycle event whose publisher was killed', () => {
  it.each([
    ['as the events reached it', 'delivery'],
    ['between counting an event and putting it on the bus', 'bus'],
  ] as const)('%s is still delivered after a restart, once per consumer', async (_, killAt) => {
    // Arrange
    const streamDir = await tempDir();
    const before = await metricsNow();
    // Act: the process records the events and dies (SIGKILL) publishing them ...
    const crashed = await runCrashingPublisher(killAt, streamDir);
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const { environment_id } = JSON.parse(crashed.stdout.trim()) as { environment_id: string };
    expect(bus.events.filter((e) => e.detail.environment_id === environment_id)).toEqual([]);
    // Killed at the bus, the first event (`environment.provisioning`) had been counted already.
    const killed = await metricsNow();
    expect(killed.environments_by_status.provisioning - before.environments_by_status.provisioning).toBe(
      killAt === 'bus' ? 1 : 0,
    );
    // ... and the poller restarts from its checkpoint.
    await publishFrom(streamDir);
    // Assert: the events list has each event once, in the order of the changes.
    const recorded = (
      await deps.insightsDeps.events.list({ environment_id }, { limit: 100 })
    ).items.reverse();
    expect(recorded.map((e) => e.type)).toEqual([
      'environment.provisioning',
      'operation.started',
      'operation.finished',
      'environment.failed',
    ]);
    const ids = recorded.map((e) => e.id);
    expect(new Set(ids).size).toBe(4);
    // Each on the bus once, in order; the failure notified once.
    const onBus = bus.events.filter((e) => e.detail.environment_id === environment_id);
    expect(onBus.map((e) => e.detail.id)).toEqual(ids);
    expect(deliveries(ids)).toEqual({ bus: [1, 1, 1, 1], notifications: [0, 0, 0, 1] });
    // Counted once: one operation started and failed, one more environment failed.
    const after = await metricsNow();
    expect(after.operations.started - before.operations.started).toBe(1);
    expect(after.operations.failed - before.operations.failed).toBe(1);
    expect(after.operations.succeeded - before.operations.succeeded).toBe(0);
    expect(after.environments_by_status.failed - before.environments_by_status.failed).toBe(1);
    expect(after.environments_by_status.provisioning).toBe(before.environments_by_status.provisioning);
  });
});

describe('a stream record delivered again', () => {
  it('is counted, sent and notified once', async () => {
    // Arrange: a `deployment.failed` event (counted and notified), recorded on its own.
    const event = deploymentEvent(
      'deployment.failed',
      { id: 'env_redelivered', project_id: 'prj_redelivered', owner_id: 'redelivery-owner' },
      'dep_redelivered',
      new Date().toISOString(),
      { version: 'v2', error: 'health check failed' },
    );
    await deps.environmentDeps.events.record([event]);
    const [item] = (await deps.insightsDeps.events.list({ environment_id: 'env_redelivered' }, { limit: 1 }))
      .items;
    expect(item?.id).toBe(event.id);
    const keys = { PK: 'ENV#env_redelivered', SK: `EVT#${event.time}#${event.id}` };
    const record = {
      eventID: '1',
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        Keys: marshall(keys),
        NewImage: marshall({ ...keys, entity: 'event', ...event }),
        SequenceNumber: '100',
        StreamViewType: 'NEW_IMAGE',
      },
    };
    const batch = { Records: [record] } as unknown as DynamoDBStreamEvent;
    const before = await metricsNow();
    // Act: the same record twice, then the whole stream replayed from its start.
    const first = await publisher.handler(batch);
    const second = await publisher.handler(batch);
    await publishFrom(undefined);
    // Assert
    expect(first).toEqual({ batchItemFailures: [] });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(deliveries([event.id])).toEqual({ bus: [1], notifications: [1] });
    const after = await metricsNow();
    expect(after.deployments.failed - before.deployments.failed).toBe(1);
  });
});
