/**
 * Local mode as a whole: the stand-ins started together, the handlers reaching them only
 * through the environment variables the real config reads, data (and Step Functions
 * executions, an interrupted one re-run) surviving a restart, executions that fail
 * reported to the reconciler as EventBridge would, and nothing (no Java process, no lock,
 * no temp dir) left behind by stop().
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTimeToLiveCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteDefinition } from '../../functions/api/route-types.ts';
import { LOCK_FILE } from '../../local/lock.ts';
import { type LocalRuntime, localDynamoDbClient, startLocal } from '../../local/runtime.ts';
import { receivedEvents } from './fixtures/events/reconcile-execution.ts';
import { sweepFixture } from './fixtures/events/sweep-environments.ts';
import { http, login } from './helpers.ts';

const handlersDir = fileURLToPath(new URL('./fixtures/handlers', import.meta.url));
const stepsDir = fileURLToPath(new URL('./fixtures/steps', import.meta.url));
const eventsDir = fileURLToPath(new URL('./fixtures/events', import.meta.url));

const routes: RouteDefinition[] = [
  {
    operationId: 'wire',
    method: 'POST',
    path: '/wire/{name}',
    group: 'wiring',
    access: 'write',
    summary: 'test route',
    tag: 'test',
    success: { status: 202, description: 'ok' },
  },
];

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let dataDir: string;
let runtime: LocalRuntime;
/** The execution the end-to-end test started. */
let executionArn = '';

const startPersistent = (): Promise<LocalRuntime> =>
  startLocal({
    port: 0,
    dataDir,
    persist: true,
    quiet: true,
    timeScale: 0,
    routes,
    handlersDir,
    stepsDir,
    eventsDir,
    sweepIntervalMs: 50,
  });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'runtime-test-'));
  runtime = await startPersistent();
});

afterAll(async () => {
  await runtime?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('startLocal', () => {
  it('sets the environment the handlers read, before any handler runs', () => {
    expect(runtime.baseUrl).toBe(`http://127.0.0.1:${runtime.port}/v1`);
    expect(runtime.userPoolId).toBe('us-east-1_LocalDev1');
    expect(runtime.env).toMatchObject({
      AWS_REGION: 'us-east-1',
      TABLE_NAME: 'env-provisioning-local',
      USER_POOL_ID: runtime.userPoolId,
      USER_POOL_CLIENT_ID: runtime.clientId,
      SERVICE_ACCOUNT_CLIENT_ID: runtime.serviceAccountClientId,
      PROVISION_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:provision-environment',
      DESTROY_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:destroy-environment',
      SIMULATION_TIME_SCALE: '0',
    });
    for (const name of ['DYNAMODB_ENDPOINT', 'SFN_ENDPOINT', 'COGNITO_ENDPOINT']) {
      expect(runtime.env[name]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    for (const [name, value] of Object.entries(runtime.env)) {
      expect(process.env[name]).toBe(value);
    }
  });

  it('serves a request end to end: token, handler, DynamoDB, Step Functions, step handlers', async () => {
    const developer = runtime.seedUsers.find((user) => user.group === 'Developers');
    const { idToken } = await login(
      runtime.env.COGNITO_ENDPOINT ?? '',
      runtime.clientId,
      developer?.email ?? '',
      developer?.password ?? '',
    );
    const answer = await http(`${runtime.baseUrl}/wire/run-1`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${idToken}` },
    });
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({
      table: 'env-provisioning-local',
      claims: { email: 'developer@example.com', 'cognito:groups': 'Developers' },
    });
    expect([...((answer.json?.indexes as string[] | undefined) ?? [])].sort()).toEqual([
      'GSI1',
      'GSI10',
      'GSI11',
      'GSI2',
      'GSI3',
      'GSI4',
      'GSI5',
      'GSI6',
      'GSI7',
      'GSI8',
      'GSI9',
    ]);
    executionArn = String(answer.json?.execution_arn);
    const done = await runtime.services.stepFunctions.waitForExecution(executionArn, 20_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      finalized: true,
      table: 'env-provisioning-local',
      time_scale: '0',
    });
  });

  it('reports an execution that FAILED to the reconciler, as the EventBridge event, and one that SUCCEEDED not', async () => {
    const stepFunctions = runtime.services.stepFunctions;
    const failed = stepFunctions.startExecution({
      stateMachineArn: runtime.env.PROVISION_STATE_MACHINE_ARN ?? '',
      name: 'fails-1',
      input: JSON.stringify({ environment_id: 'env_test', operation_id: 'op_fails', fail: true }),
    });
    const done = await stepFunctions.waitForExecution(failed.executionArn, 20_000);
    const deadline = Date.now() + 5_000;
    while (!receivedEvents().some((r) => JSON.stringify(r.event).includes(failed.executionArn))) {
      if (Date.now() > deadline) throw new Error('The reconciler was not called');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(done.status).toBe('FAILED');
    expect(receivedEvents()).toEqual([
      {
        functionName: 'reconcile-execution',
        event: expect.objectContaining({
          source: 'aws.states',
          'detail-type': 'Step Functions Execution Status Change',
          account: '000000000000',
          region: 'us-east-1',
          resources: [failed.executionArn],
          detail: expect.objectContaining({
            executionArn: failed.executionArn,
            stateMachineArn: runtime.env.PROVISION_STATE_MACHINE_ARN,
            name: 'fails-1',
            status: 'FAILED',
            error: 'OperationFailed',
            input: JSON.stringify({ environment_id: 'env_test', operation_id: 'op_fails', fail: true }),
          }),
        }),
      },
    ]);
    // run-1 (the previous test) SUCCEEDED: nothing was reported for it.
    expect(stepFunctions.describeExecution(executionArn).status).toBe('SUCCEEDED');
  });

  it('runs the TTL sweeper on its timer, with the handlers’ environment, as the EventBridge schedule would', async () => {
    expect(runtime.sweepIntervalMs).toBe(50);
    const deadline = Date.now() + 5_000;
    while (sweepFixture().calls.length < 2) {
      if (Date.now() > deadline) throw new Error('The sweeper was not called');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sweepFixture().calls[0]).toMatchObject({
      functionName: 'sweep-environments',
      tableName: 'env-provisioning-local',
      event: { source: 'aws.events', 'detail-type': 'Scheduled Event', account: '000000000000' },
    });
  });

  it('creates the table with TTL enabled', async () => {
    const client = localDynamoDbClient(runtime.services.dynamodb.endpoint);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'env-provisioning-local' }));
    client.destroy();
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
  });

  it('refuses a second instance on the same data directory', async () => {
    await expect(startPersistent()).rejects.toThrow(/Another local instance/);
  });

  it('stops every child and keeps the data for the next start', async () => {
    const client = localDynamoDbClient(runtime.services.dynamodb.endpoint);
    await client.send(
      new PutItemCommand({
        TableName: 'env-provisioning-local',
        Item: { PK: { S: 'TEST#1' }, SK: { S: 'A' } },
      }),
    );
    client.destroy();
    const { pid } = runtime.services.dynamodb;
    const clientId = runtime.clientId;

    await runtime.stop();
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);

    runtime = await startPersistent();
    expect(runtime.clientId).toBe(clientId);
    const again = localDynamoDbClient(runtime.services.dynamodb.endpoint);
    const item = await again.send(
      new GetItemCommand({
        TableName: 'env-provisioning-local',
        Key: { PK: { S: 'TEST#1' }, SK: { S: 'A' } },
      }),
    );
    again.destroy();
    expect(item.Item?.PK?.S).toBe('TEST#1');
    expect(runtime.services.stepFunctions.describeExecution(executionArn)).toMatchObject({
      name: 'run-1',
      status: 'SUCCEEDED',
    });
  });

  it('re-runs, once started, an execution the last run left RUNNING', async () => {
    const before = runtime.services.stepFunctions.describeExecution(executionArn);
    await runtime.stop();
    // What a process killed mid-run leaves: the record as StartExecution wrote it.
    const dir = join(dataDir, 'stepfunctions', 'executions');
    for (const entry of await readdir(dir)) {
      const file = join(dir, entry);
      const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      if (stored.executionArn === executionArn) {
        const { stopDate: _stopDate, output: _output, ...started } = stored;
        await writeFile(file, JSON.stringify({ ...started, status: 'RUNNING' }));
      }
    }

    runtime = await startPersistent();
    const done = await runtime.services.stepFunctions.waitForExecution(executionArn, 20_000);

    expect(done).toMatchObject({ status: 'SUCCEEDED', startDate: before.startDate });
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({ finalized: true });
    expect(done.stopDate?.getTime()).toBeGreaterThan(before.stopDate?.getTime() ?? 0);
  });
});

describe('startLocal without persistence', () => {
  it('runs from a temp directory it removes on stop', async () => {
    // One runtime per process (the environment is global): stop the persistent one first.
    await runtime.stop();
    const ephemeral = await startLocal({
      port: 0,
      quiet: true,
      timeScale: 0,
      routes,
      handlersDir,
      stepsDir,
      eventsDir,
      sweepIntervalMs: 0,
    });
    // Neither the stopped runtime's sweeper nor this one (interval 0) runs any more.
    expect(ephemeral.sweepIntervalMs).toBe(0);
    const sweeps = sweepFixture().calls.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sweepFixture().calls.length).toBe(sweeps);
    const { pid } = ephemeral.services.dynamodb;
    expect(existsSync(ephemeral.dataDir)).toBe(true);
    await ephemeral.stop();
    expect(existsSync(ephemeral.dataDir)).toBe(false);
    expect(alive(pid)).toBe(false);
  });
});
