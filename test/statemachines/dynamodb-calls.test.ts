/**
 * How many DynamoDB calls the hot paths make, counted on the one document client every
 * store uses (DynamoDB Local, the real ASL and the real steps): a whole `default`
 * provision, and the reads a client polls while it runs. These pin the budgets of
 * docs/decisions.md §30; a change that adds a round trip to one of them fails here.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Principal, principalFromClaims } from '../../functions/domain/access.ts';
import { newId } from '../../functions/domain/ids.ts';
import type { EnvironmentRecord, OperationRecord, StackRecord } from '../../functions/domain/model.ts';
import { resolveParameters } from '../../functions/domain/parameters.ts';
import { createEnvironment, destroyEnvironment } from '../../functions/domain/use-cases/environments.ts';
import type { EnvironmentStatusValue, EnvironmentTypeValue } from '../../functions/domain/vocabulary.ts';
import { createLocalStepFunctions } from '../../local/stepfunctions.ts';
import { countDynamoDbCalls, type DynamoDbCallCounter } from '../support/dynamodb-calls.ts';
import { apiEvent, context, type EventInput } from '../unit/helpers/events.ts';
import { type Harness, must, overrideSteps, startHarness } from './harness.ts';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let harness: Harness;
let calls: DynamoDbCallCounter;
const developerClaims = { sub: 'calls-dev', email: 'dev@example.com', 'cognito:groups': 'Developers' };
const strangerClaims = { sub: 'calls-other', email: 'other@example.com', 'cognito:groups': 'Developers' };
const adminClaims = { sub: 'calls-admin', email: 'admin@example.com', 'cognito:groups': 'Administrators' };
const developer: Principal = principalFromClaims(developerClaims, 'Developers');

beforeAll(async () => {
  // No event publisher: its calls (from the table's stream) would be counted with the path's.
  harness = await startHarness('dynamodb-calls-tests', {}, { publishEvents: false });
  // What the HTTP stack reads besides what the harness sets.
  process.env.USER_POOL_ID = 'us-east-1_CallsTest1';
  process.env.USER_POOL_CLIENT_ID = 'callsclient';
  process.env.SERVICE_ACCOUNT_CLIENT_ID = 'callssaclient';
  calls = countDynamoDbCalls(harness.client.documentClient());
});

afterAll(async () => {
  calls?.stop();
  await harness?.stop();
});

async function invoke(module: string, input: EventInput) {
  const { handler } = (await import(`../../functions/api/handlers/${module}.ts`)) as { handler: Handler };
  const response = await handler(apiEvent(input), context);
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
}

type Counted = Pick<DynamoDbCallCounter, 'total' | 'byCommand' | 'reads' | 'writes'>;

/** The calls `act` makes, and nothing before or after it (a Scan among them fails the test). */
async function counted<T>(act: () => Promise<T>): Promise<{ result: T; counter: Counted }> {
  calls.reset();
  const result = await act();
  const { total, byCommand, reads, writes } = calls;
  calls.assertNoScan();
  return { result, counter: { total, byCommand, reads, writes } };
}

describe('a provision of the default template (16 stacks in 5 layers)', () => {
  it('makes at most 6 DynamoDB calls per stack, all included, and no Scan', async () => {
    // Arrange: the environment and its operation are recorded, its workflow not started yet.
    const project = await harness.project(developer);
    const created = await createEnvironment(
      {
        ...harness.deps.environmentDeps,
        workflows: { start: async () => undefined },
        settings: harness.settings(),
      },
      developer,
      project.id,
      { name: 'budget', type: 'persistent', template: 'default', parameters: {}, on_failure: 'rollback' },
    );
    // Act: the whole workflow, from plan to finalize.
    const { counter } = await counted(async () => {
      harness.sfn.startExecution({
        stateMachineArn: must(harness.sfn.stateMachineArns['provision-environment'], 'machine'),
        name: created.operation.id,
        input: JSON.stringify({ environment_id: created.environment.id, operation_id: created.operation.id }),
      });
      const run = await harness.settle(created.operation.id, 'provision');
      expect(run.status).toBe('SUCCEEDED');
    });
    // Assert
    const environment = must(
      await harness.deps.environmentDeps.environments.get(created.environment.id),
      'environment',
    );
    expect(environment.status).toBe('running');
    console.info(
      `default provision: ${counter.total} DynamoDB calls (${counter.reads} reads, ${counter.writes} writes)`,
      counter.byCommand,
    );
    expect(counter.total).toBeLessThanOrEqual(16 * 6);
  });
});

describe('what a client polls', () => {
  it('GET /operations/{op_id} is one call, while the operation runs and once it has finished', async () => {
    // Arrange: a running provision (its workflow not started), then a finished one.
    const project = await harness.project(developer);
    const running = await createEnvironment(
      {
        ...harness.deps.environmentDeps,
        workflows: { start: async () => undefined },
        settings: harness.settings(),
      },
      developer,
      project.id,
      { name: 'polled', type: 'persistent', template: 'minimal', parameters: {}, on_failure: 'rollback' },
    );
    const finished = await harness.provisioned(developer);
    for (const { operation } of [running, finished]) {
      // Act
      const { result, counter } = await counted(() =>
        invoke('get-operation', { pathParameters: { op_id: operation.id }, claims: developerClaims }),
      );
      // Assert
      expect(result.status).toBe(200);
      expect(counter.byCommand).toEqual({ GetItem: 1 });
    }
    // Another developer's operation is not found, in one call too.
    const { result, counter } = await counted(() =>
      invoke('get-operation', { pathParameters: { op_id: finished.operation.id }, claims: strangerClaims }),
    );
    expect(result.status).toBe(404);
    expect(counter.total).toBe(1);
  });

  it('the one read of a running operation is what its environment and stacks say, at every step', async () => {
    // Arrange: a provision where security fails and, under `keep`, its dependants are skipped;
    // before each layer and before the outcome is decided, the operation is read both ways.
    const { getOperation } = await import('../../functions/domain/use-cases/operation-views.ts');
    const { inScope } = await import('../../functions/domain/workflow/planning.ts');
    const store = harness.deps.environmentDeps;
    const project = await harness.project(developer);
    const created = await createEnvironment(
      {
        ...harness.deps.environmentDeps,
        workflows: { start: async () => undefined },
        settings: harness.settings(),
      },
      developer,
      project.id,
      {
        name: 'mirrored',
        type: 'persistent',
        template: 'minimal',
        parameters: { simulate: { fail_stacks: ['security'] } },
        on_failure: 'keep',
      },
    );
    const operationId = created.operation.id;
    const seen: { kept: unknown; read: unknown }[] = [];
    const compare = async () => {
      const kept = await getOperation(store, developer, operationId);
      const environment = must(await store.environments.get(created.environment.id), 'environment');
      const stacks = (await store.stacks.list(created.environment.id))
        .filter((s) => inScope(kept.operation, s))
        .sort((a, b) => a.layer - b.layer || a.name.localeCompare(b.name));
      seen.push({
        kept: { status: kept.operation.status, progress: kept.progress, stacks: kept.stacks },
        read: {
          status: 'running',
          progress: environment.progress,
          stacks: stacks.map((s) => ({ name: s.name, layer: s.layer, status: s.status })),
        },
      });
    };
    const { handler: steps } = await import('../../functions/steps/operation-steps.ts');
    const runner = await createLocalStepFunctions({
      quiet: true,
      functions: overrideSteps({
        'start-layer': async (input, context) => {
          await compare();
          return steps({ step: 'start-layer', input }, context);
        },
        'settle-operation': async (input, context) => {
          await compare();
          return steps({ step: 'settle-operation', input }, context);
        },
      }),
    });
    try {
      // Act
      runner.startExecution({
        stateMachineArn: must(runner.stateMachineArns['provision-environment'], 'machine'),
        name: operationId,
        input: JSON.stringify({ environment_id: created.environment.id, operation_id: operationId }),
      });
      const run = await runner.waitForExecution(
        `${must(runner.stateMachineArns['provision-environment'], 'machine').replace(':stateMachine:', ':execution:')}:${operationId}`,
        60_000,
      );
      // Assert
      expect(run.status).toBe('SUCCEEDED');
      expect((await store.operations.getWithView(operationId))?.view).not.toBeNull();
      expect(seen.length).toBeGreaterThanOrEqual(4);
      for (const { kept, read } of seen) expect(kept).toEqual(read);
      const last = seen.at(-1)?.read as { stacks: { name: string; status: string }[] };
      expect(last.stacks.find((s) => s.name === 'security')?.status).toBe('failed');
      expect(last.stacks.find((s) => s.name === 'database-rds')?.status).toBe('skipped');
    } finally {
      await runner.stop();
    }
  });

  it('GET /environments/{env_id}/stacks is one call', async () => {
    const { environment } = await harness.provisioned(developer);
    for (const claims of [developerClaims, adminClaims]) {
      const { result, counter } = await counted(() =>
        invoke('list-stacks', { pathParameters: { env_id: environment.id }, claims }),
      );
      expect(result.status).toBe(200);
      expect((result.body.items as unknown[]).length).toBe(8);
      expect(counter.byCommand).toEqual({ Query: 1 });
    }
    const { result, counter } = await counted(() =>
      invoke('list-stacks', { pathParameters: { env_id: environment.id }, claims: strangerClaims }),
    );
    expect(result.status).toBe(404);
    expect(counter.total).toBe(1);
  });
});

describe('a status-filtered environment list', () => {
  const STATUSES: EnvironmentStatusValue[] = ['running', 'failed', 'stopped', 'running', 'destroyed'];
  const statusOf = (i: number): EnvironmentStatusValue => STATUSES[i % STATUSES.length] ?? 'running';
  const typeOf = (i: number): EnvironmentTypeValue => (i % 3 === 0 ? 'ephemeral' : 'persistent');
  /** How many of the 25 match. */
  const matching = (status: string, type?: string) =>
    Array.from({ length: 25 }, (_, i) => i).filter(
      (i) => statusOf(i) === status && (type === undefined || typeOf(i) === type),
    ).length;
  const owner = { sub: 'calls-lister', email: 'lister@example.com', 'cognito:groups': 'Developers' };
  let projectId = '';

  beforeAll(async () => {
    // 25 environments of one owner, in mixed statuses and types, recorded by the store as the
    // workflow would leave them; plus a stranger's running one (never in the owner's lists).
    const principal = principalFromClaims(owner, 'Developers');
    projectId = (await harness.project(principal)).id;
    for (let i = 0; i < 25; i++)
      await record(principal.userId, projectId, `env-${i}`, statusOf(i), typeOf(i));
    const stranger = principalFromClaims(strangerClaims, 'Developers');
    await record(stranger.userId, (await harness.project(stranger)).id, 'other', 'running', 'persistent');
  });

  /** Pages through a list with limit 5, counting the calls of each page. */
  async function pages(query: Record<string, string>, claims: Record<string, string>) {
    const seen: { ids: string[]; statuses: string[]; types: string[]; calls: Record<string, number> }[] = [];
    let cursor: string | null = null;
    do {
      const { result, counter } = await counted(() =>
        invoke('list-environments', {
          query: { ...query, limit: '5', ...(cursor ? { cursor } : {}) },
          claims,
        }),
      );
      expect(result.status).toBe(200);
      const items = result.body.items as { id: string; status: string; type: string }[];
      seen.push({
        ids: items.map((e) => e.id),
        statuses: items.map((e) => e.status),
        types: items.map((e) => e.type),
        calls: counter.byCommand,
      });
      cursor = result.body.next_cursor as string | null;
    } while (cursor);
    return seen;
  }

  // With `project_id`, the project is read first (404 unless visible), as before: one GetItem more.
  it.each([
    ['a Developer, own environments', false, owner, undefined],
    ['a Developer, own environments of one type', false, owner, 'persistent'],
    ['a Developer, in one project', true, owner, undefined],
    ['a Developer, in one project, of one type', true, owner, 'ephemeral'],
    ['an Administrator, everyone’s', false, adminClaims, undefined],
    ['an Administrator, everyone’s of one type', false, adminClaims, 'persistent'],
    ['an Administrator, in one project', true, adminClaims, undefined],
  ])('answers full pages, one Query each, for %s', async (_, inProject, claims, type) => {
    // Arrange
    const query = {
      status: 'running',
      ...(inProject ? { project_id: projectId } : {}),
      ...(type ? { type } : {}),
    };
    // Act
    const seen = await pages(query, claims);
    // Assert
    const ids = seen.flatMap((page) => page.ids);
    // Administrators see every running environment of the table, the owner's among them.
    if (claims === adminClaims && !inProject) expect(ids.length).toBeGreaterThan(matching('running', type));
    else expect(ids).toHaveLength(matching('running', type));
    expect(new Set(ids).size).toBe(ids.length);
    for (const page of seen.slice(0, -1)) expect(page.ids).toHaveLength(5);
    for (const page of seen) {
      expect(page.statuses.every((s) => s === 'running')).toBe(true);
      if (type) expect(page.types.every((t) => t === type)).toBe(true);
      expect(page.calls).toEqual(inProject ? { GetItem: 1, Query: 1 } : { Query: 1 });
    }
  });
});

describe('the status lists follow an environment', () => {
  it('through every status change the workflow writes: provisioning, running, destroying, destroyed', async () => {
    // Arrange
    const principal = principalFromClaims(
      { sub: 'calls-follower', 'cognito:groups': 'Developers' },
      'Developers',
    );
    const claims = { sub: principal.userId, email: 'f@example.com', 'cognito:groups': 'Developers' };
    const project = await harness.project(principal);
    const listed = async (status: string) => {
      const { result } = await counted(() =>
        invoke('list-environments', { query: { status, project_id: project.id }, claims }),
      );
      return (result.body.items as { id: string }[]).map((e) => e.id);
    };
    // Act + assert: recorded while its provision has not started, then provisioned.
    const created = await createEnvironment(
      {
        ...harness.deps.environmentDeps,
        workflows: { start: async () => undefined },
        settings: harness.settings(),
      },
      principal,
      project.id,
      { name: 'followed', type: 'ephemeral', template: 'minimal', parameters: {}, on_failure: 'rollback' },
    );
    const id = created.environment.id;
    expect(await listed('provisioning')).toEqual([id]);
    harness.sfn.startExecution({
      stateMachineArn: must(harness.sfn.stateMachineArns['provision-environment'], 'machine'),
      name: created.operation.id,
      input: JSON.stringify({ environment_id: id, operation_id: created.operation.id }),
    });
    await harness.settle(created.operation.id, 'provision');
    expect(await listed('provisioning')).toEqual([]);
    expect(await listed('running')).toEqual([id]);
    const destroy = await destroyEnvironment(
      { ...harness.deps.environmentDeps, workflows: { start: async () => undefined } },
      principal,
      id,
    );
    expect(await listed('running')).toEqual([]);
    expect(await listed('destroying')).toEqual([id]);
    harness.sfn.startExecution({
      stateMachineArn: must(harness.sfn.stateMachineArns['destroy-environment'], 'machine'),
      name: destroy.operation.id,
      input: JSON.stringify({ environment_id: id, operation_id: destroy.operation.id }),
    });
    await harness.settle(destroy.operation.id, 'destroy');
    expect(await listed('destroying')).toEqual([]);
    expect(await listed('destroyed')).toEqual([id]);
  });
});

describe('items recorded before the status indexes and the stacks’ owners', () => {
  it('are found by status, and their stacks listed in one read, once backfilled', async () => {
    // Arrange: an environment and its stack as an older version wrote them.
    const principal = principalFromClaims(strangerClaims, 'Developers');
    const project = await harness.project(principal);
    const id = await record(principal.userId, project.id, 'legacy', 'stopped', 'persistent');
    const client = harness.client.documentClient();
    await client.send(
      new UpdateCommand({
        TableName: harness.table,
        Key: { PK: `ENV#${id}`, SK: 'ENV' },
        UpdateExpression: 'REMOVE GSI6PK, GSI7PK, GSI8PK, GSI9PK, GSI10PK, GSI11PK, STATUSSK',
      }),
    );
    await client.send(
      new UpdateCommand({
        TableName: harness.table,
        Key: { PK: `ENV#${id}`, SK: 'STACK#network' },
        UpdateExpression: 'REMOVE owner_id',
      }),
    );
    const stopped = async () => {
      const { result } = await counted(() =>
        invoke('list-environments', { query: { status: 'stopped' }, claims: strangerClaims }),
      );
      return (result.body.items as { id: string }[]).map((e) => e.id);
    };
    const stacks = () =>
      counted(() => invoke('list-stacks', { pathParameters: { env_id: id }, claims: strangerClaims }));
    expect(await stopped()).toEqual([]);
    const before = await stacks();
    expect(before.result.status).toBe(200);
    expect(before.counter.byCommand).toEqual({ GetItem: 1, Query: 1 });
    // Act
    const { backfillKeys } = await import('../../functions/data/backfill.ts');
    const first = await backfillKeys(client, harness.table);
    const again = await backfillKeys(client, harness.table);
    // Assert
    expect(first).toMatchObject({ environments: 1, stacks: 1 });
    expect(again).toMatchObject({ environments: 0, stacks: 0 });
    expect(await stopped()).toEqual([id]);
    const after = await stacks();
    expect(after.result.status).toBe(200);
    expect(after.counter.byCommand).toEqual({ Query: 1 });
  });

  it('resume a status-filtered list from a cursor handed out before the status index', async () => {
    // Arrange: the owner's running environments, newest first, and a cursor of the owner index
    // (what the list answered before) pointing after the second of them.
    const principal = principalFromClaims(
      { sub: 'calls-cursor', 'cognito:groups': 'Developers' },
      'Developers',
    );
    const claims = { sub: principal.userId, email: 'c@example.com', 'cognito:groups': 'Developers' };
    const project = await harness.project(principal);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(await record(principal.userId, project.id, `c-${i}`, 'running', 'persistent'));
    const newestFirst = [...ids].reverse();
    const second = must(newestFirst[1], 'second');
    const createdAt = must(
      (await harness.deps.environmentDeps.environments.get(second))?.created_at,
      'created_at',
    );
    const { encodeCursor } = await import('../../functions/data/pagination.ts');
    const cursor = encodeCursor({
      PK: `ENV#${second}`,
      SK: 'ENV',
      GSI2PK: `OWNER#${principal.userId}`,
      GSI2SK: `ENV#${createdAt}#${second}`,
    });
    // Act
    const { result } = await counted(() =>
      invoke('list-environments', { query: { status: 'running', cursor }, claims }),
    );
    // Assert
    expect(result.status).toBe(200);
    expect((result.body.items as { id: string }[]).map((e) => e.id)).toEqual(newestFirst.slice(2));
  });
});

let sequence = 0;

/** Records an environment in `status` through the store, as its last operation left it. */
async function record(
  ownerId: string,
  projectId: string,
  name: string,
  status: EnvironmentStatusValue,
  type: EnvironmentTypeValue,
): Promise<string> {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, sequence++)).toISOString();
  const id = newId('env');
  const operation: OperationRecord = {
    id: newId('op'),
    environment_id: id,
    kind: 'provision',
    status: 'succeeded',
    attempt: 1,
    retry_of: null,
    targets: null,
    cancel_requested: false,
    outcome: null,
    stack_results: null,
    progress: { layer: 1, layers: 1, stacks_done: 1, stacks: 1 },
    started_at: at,
    finished_at: at,
    error: null,
    requested_by: ownerId,
    reason: null,
  };
  const environment: EnvironmentRecord = {
    id,
    project_id: projectId,
    name,
    type,
    ttl_hours: type === 'ephemeral' ? 24 : null,
    expires_at: type === 'ephemeral' ? '2026-01-02T00:00:00.000Z' : null,
    template: 'minimal',
    region: 'eu-west-1',
    account_id: '111111111111',
    parameters: resolveParameters({}, { environmentName: name, projectName: 'calls' }),
    status,
    progress: operation.progress,
    base_url: null,
    current_operation_id: operation.id,
    on_failure: 'rollback',
    drift_check: null,
    next_drift_check_at: null,
    estimated_monthly_cost_usd: 0,
    error: null,
    version: 1,
    owner_id: ownerId,
    created_by: ownerId,
    created_at: at,
    updated_at: at,
  };
  const stack: StackRecord = {
    environment_id: id,
    name: 'network',
    layer: 1,
    depends_on: [],
    status: 'provisioned',
    resources: [],
    outputs: {},
    estimated_monthly_cost_usd: 0,
    operation_id: operation.id,
    started_at: at,
    finished_at: at,
    error: null,
  };
  await harness.deps.environmentDeps.environments.create(environment, [stack], operation, []);
  return id;
}
