/**
 * What every state machine test needs: DynamoDB Local with the table, the local Step
 * Functions runner serving the repository's ASL files with the real step handlers, and
 * the configuration the handlers read. The handlers' modules are imported only after the
 * configuration is set (clients read it on first use).
 */

import type { Principal } from '../../functions/domain/access.ts';
import type { CreateEnvironmentInput } from '../../functions/domain/inputs.ts';
import type { ProjectRecord } from '../../functions/domain/model.ts';
import {
  type AcceptedChange,
  createEnvironment,
  type EnvironmentSettings,
} from '../../functions/domain/use-cases/environments.ts';
import { createProject } from '../../functions/domain/use-cases/projects.ts';
import { STEP_GROUPS, type StepName, type StepPayload } from '../../functions/steps/step-list.ts';
import { type LocalDynamoDb, startDynamoDb } from '../../local/dynamodb.ts';
import { type LocalEventBridge, startEventBridge } from '../../local/eventbridge.ts';
import { type LocalEventStream, startLocalEventStream } from '../../local/runtime/event-stream.ts';
import {
  createLocalStepFunctions,
  type LambdaHandler,
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
} from '../../local/stepfunctions.ts';

export interface Harness {
  table: string;
  dynamo: LocalDynamoDb;
  sfn: LocalStepFunctions;
  /** The local event bus: what the publisher put on it. */
  bus: LocalEventBridge;
  /**
   * Resolves once every lifecycle event recorded so far has been published (the table's stream,
   * polled as local mode does, feeds the publisher): call it before looking at the bus or the
   * metrics. Rejects when the harness was started without `publishEvents`.
   */
  published(): Promise<void>;
  deps: typeof import('../../functions/app/dependencies.ts');
  client: typeof import('../../functions/data/client.ts');
  /** The ARN of an execution of a state machine (executions are named after what they run). */
  executionArn(machine: string, name: string): string;
  /** Waits until the execution of an operation (by its kind's state machine) ends. */
  settle(operationId: string, kind: string): ReturnType<LocalStepFunctions['waitForExecution']>;
  /** A new project of `owner`, named uniquely in this harness. */
  project(owner: Principal): Promise<ProjectRecord>;
  /** Environment settings with an account of its own, so each environment has its own VPC quota. */
  settings(): EnvironmentSettings;
  /**
   * Creates an environment (persistent, `minimal`, rollback by default; `input` overrides) in a
   * new project of `owner`, and waits until its provision has ended.
   */
  provisioned(owner: Principal, input?: Partial<CreateEnvironmentInput>): Promise<AcceptedChange>;
  stop(): Promise<void>;
}

/** The state machine an operation kind runs on (see functions/app/workflow-starter.ts). */
export function machineOf(kind: string): string {
  return ['destroy', 'stop', 'delete_stacks'].includes(kind)
    ? 'destroy-environment'
    : 'provision-environment';
}

export async function startHarness(
  table: string,
  options: LocalStepFunctionsOptions = {},
  { publishEvents = true }: { publishEvents?: boolean } = {},
): Promise<Harness> {
  const dynamo = await startDynamoDb({ tableName: table });
  const sfn = await createLocalStepFunctions({ quiet: true, ...options });
  const bus = await startEventBridge({ region: 'us-east-1', busName: `${table}-events`, quiet: true });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: table,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SFN_ENDPOINT: sfn.endpoint,
    EVENT_BUS_NAME: bus.busName,
    EVENTBRIDGE_ENDPOINT: bus.endpoint,
    PROVISION_STATE_MACHINE_ARN: sfn.stateMachineArns['provision-environment'],
    DESTROY_STATE_MACHINE_ARN: sfn.stateMachineArns['destroy-environment'],
    DEPLOY_STATE_MACHINE_ARN: sfn.stateMachineArns['deploy-release'],
    SIMULATION_TIME_SCALE: '0',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const deps = await import('../../functions/app/dependencies.ts');
  const client = await import('../../functions/data/client.ts');
  let stream: LocalEventStream | undefined;
  if (publishEvents) {
    const publisher = await import('../../functions/events/publish-events.ts');
    stream = await startLocalEventStream({
      endpoint: dynamo.endpoint,
      tableName: table,
      handler: (event) => publisher.handler(event),
      idleMs: 50,
      quiet: process.env.DEBUG_STREAM !== '1',
    });
  }
  const published = () => (stream ? stream.drain() : Promise.reject(new Error('Events are not published')));
  const executionArn = (machine: string, name: string) =>
    `${must(sfn.stateMachineArns[machine], machine).replace(':stateMachine:', ':execution:')}:${name}`;
  const settle: Harness['settle'] = (operationId, kind) =>
    sfn.waitForExecution(executionArn(machineOf(kind), operationId), 60_000);
  let projects = 0;
  let accounts = 100_000_000_000;
  const project: Harness['project'] = (owner) =>
    createProject(deps.projectDeps, owner, { name: `${table}-${projects++}` });
  const settings: Harness['settings'] = () => ({
    defaultRegion: 'eu-west-1',
    defaultAccountId: String(accounts++),
    defaultTtlHours: 24,
    maxTtlHours: 720,
    approvalTimeoutSeconds: 604_800,
  });
  const provisioned: Harness['provisioned'] = async (owner, input = {}) => {
    const created = await createEnvironment(
      { ...deps.environmentDeps, settings: settings() },
      owner,
      (await project(owner)).id,
      {
        name: 'preview',
        type: 'persistent',
        template: 'minimal',
        parameters: {},
        on_failure: 'rollback',
        ...input,
      },
    );
    await settle(created.operation.id, 'provision');
    return created;
  };
  return {
    table,
    dynamo,
    sfn,
    bus,
    published,
    executionArn,
    settle,
    project,
    settings,
    provisioned,
    deps,
    client,
    async stop() {
      await sfn.stop();
      await stream?.stop();
      await bus.stop();
      await dynamo.stop();
    },
  };
}

/**
 * The `functions` option of the Step Functions stand-in that replaces some steps (by step
 * name) and runs the others with their real handlers: each step function whose group has
 * an overridden step dispatches to the override or to the group's real entry point.
 */
export function overrideSteps(
  overrides: Partial<Record<StepName, LambdaHandler>>,
): Record<string, LambdaHandler> {
  const functions: Record<string, LambdaHandler> = {};
  for (const [group, steps] of Object.entries(STEP_GROUPS)) {
    if (!steps.some((step) => overrides[step])) continue;
    functions[group] = async (event, context) => {
      const { step, input } = event as StepPayload;
      const override = overrides[step as StepName];
      if (override) return override(input, context);
      const real = (await import(`../../functions/steps/${group}.ts`)) as { handler: LambdaHandler };
      return real.handler(event, context);
    };
  }
  return functions;
}

/** A value that must be there; fails the test with a message otherwise. */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`missing ${what}`);
  return value;
}
