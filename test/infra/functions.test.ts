/**
 * Lambda functions as synthesized: runtime and packaging defaults everywhere, one function
 * per route group serving exactly its routes, with exactly the environment and the grants
 * the union of its routes' `needs` calls for (least privilege), and one function per step
 * group. Route functions are found through their API methods, step functions and state
 * machines through the construct tree.
 */
import { isDeepStrictEqual } from 'node:util';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { API_GROUPS, type RouteDefinition, type RouteNeeds } from '../../functions/api/route-types.ts';
import { routeList } from '../../functions/api/routes.ts';
import {
  OPERATION_STATE_MACHINES,
  STATE_MACHINES,
  STEP_GROUP_NAMES,
  type StepGroup,
} from '../../functions/steps/step-list.ts';
import { COGNITO_ADMIN_ACTIONS } from '../../lib/rest-api.ts';
import {
  actionsOf,
  type CfnResource,
  integratedFunctionId,
  logicalId,
  referencedId,
  referencedIds,
  routeMethods,
  useSynthesizedApp,
} from './support.ts';

const synth = useSynthesizedApp();
/** Every Lambda function of the API stack, by logical id. */
const lambdaFunctions = (): Record<string, CfnResource> => synth.resourcesOfType('AWS::Lambda::Function');

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const ARN_VARIABLES = STATE_MACHINES.map((m) => m.arnVariable);
/** Overrides for local mode only; a deployed function must talk to the real services. */
const LOCAL_ONLY_VARIABLES = ['DYNAMODB_ENDPOINT', 'SFN_ENDPOINT', 'COGNITO_ENDPOINT'];

const environmentOf = (fn: CfnResource): Record<string, unknown> =>
  (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};

const roleIdOf = (fn: CfnResource): string => {
  const roleId = referencedId(fn.Properties?.Role);
  if (!roleId) throw new Error('function without a role');
  return roleId;
};

function routeFunctionId(route: RouteDefinition): string {
  const method = routeMethods(synth.apiTemplate).get(`${route.method} ${route.path}`);
  if (!method) throw new Error(`No method for ${route.operationId}`);
  return integratedFunctionId(method);
}

/** The function of a route group: the one every method of its routes invokes. */
function groupFunction(group: string): CfnResource {
  const ids = new Set(routeList.filter((r) => r.group === group).map(routeFunctionId));
  if (ids.size !== 1) throw new Error(`The routes of ${group} invoke ${ids.size} functions`);
  const fn = lambdaFunctions()[[...ids][0] ?? ''];
  if (!fn) throw new Error(`No function for ${group}`);
  return fn;
}

/** What a group's function must be able to do: any of its routes' needs (read-write wins over read). */
function expectedNeeds(group: string): RouteNeeds {
  const routes = routeList.filter((r) => r.group === group);
  const needs = routes.map((r) => r.needs ?? {});
  // An idempotent route stores its Idempotency-Key records in the table.
  const table =
    needs.some((n) => n.table === 'readwrite') || routes.some((r) => r.idempotent)
      ? 'readwrite'
      : needs.some((n) => n.table === 'read')
        ? 'read'
        : undefined;
  return {
    ...(table ? { table } : {}),
    startsWorkflows: [...new Set(needs.flatMap((n) => n.startsWorkflows ?? []))],
    cognito: needs.some((n) => n.cognito),
    cognitoAdmin: needs.some((n) => n.cognitoAdmin),
    answersWorkflowTasks: needs.some((n) => n.answersWorkflowTasks),
    consoleAssets: needs.some((n) => n.consoleAssets),
  };
}

const stateMachineId = (name: string): string => logicalId(synth.api.workflows.stateMachines.get(name));
const stepFunctionId = (group: StepGroup): string => logicalId(synth.api.workflows.steps.get(group));

/** Each function's own log group (the one it was built with), by the function's logical id. */
function ownLogGroupIds(): Map<string, string> {
  const built = synth.api.node.findAll().filter((c): c is LambdaFunction => c instanceof LambdaFunction);
  return new Map(built.map((fn) => [logicalId(fn), logicalId(fn.logGroup)]));
}

/**
 * How the API stack reads a value of the stateful stack: `Fn::GetStackOutput` of an
 * output of that stack whose value is `value` (e.g. the table's `Ref`, its name).
 */
function statefulOutput(value: unknown): unknown {
  const outputs =
    (synth.statefulTemplate.toJSON() as { Outputs?: Record<string, { Value: unknown }> }).Outputs ?? {};
  const names = Object.keys(outputs).filter((name) => isDeepStrictEqual(outputs[name]?.Value, value));
  return {
    'Fn::GetStackOutput': {
      StackName: synth.stateful.stackName,
      Region: { Ref: 'AWS::Region' },
      OutputName: expect.toBeOneOf(names),
    },
  };
}
/** `TABLE_NAME`: the table's name. */
const tableName = (): unknown => statefulOutput({ Ref: logicalId(synth.stateful.table) });
/** What a table grant covers: the table and its indexes, nothing else. */
function tableResources(): unknown[] {
  const arn = statefulOutput({ 'Fn::GetAtt': [logicalId(synth.stateful.table), 'Arn'] });
  return [arn, { 'Fn::Join': ['', [arn, '/index/*']] }];
}

describe('every Lambda function', () => {
  it('is Node.js 24 on arm64, traced, bundled as ESM, logging JSON to its own log group', () => {
    // One per route group, one per step group, the execution reconciler (see
    // reconciler.test.ts), the TTL sweeper (see sweeper.test.ts), the event publisher (see
    // event-publisher.test.ts) and the webhook sender (see webhook-sender.test.ts).
    expect(Object.keys(lambdaFunctions())).toHaveLength(API_GROUPS.length + STEP_GROUP_NAMES.length + 4);
    const logGroups = synth.resourcesOfType('AWS::Logs::LogGroup');
    for (const [id, fn] of Object.entries(lambdaFunctions())) {
      const props = fn.Properties ?? {};
      expect(props.Runtime, id).toBe('nodejs24.x');
      expect(props.Architectures, id).toEqual(['arm64']);
      expect(props.Handler, id).toBe('index.handler');
      expect(props.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(props.MemorySize, id).toBe(256);
      // Source maps are read on error only (functions/platform/stack-traces.ts), not at cold start.
      expect(environmentOf(fn), id).not.toHaveProperty('NODE_OPTIONS');
      const logging = props.LoggingConfig as { LogFormat: string; LogGroup: unknown };
      expect(logging.LogFormat, id).toBe('JSON');
      const logGroup = logGroups[referencedId(logging.LogGroup) ?? ''];
      expect(logGroup?.Properties?.RetentionInDays, id).toBe(30);
      for (const name of LOCAL_ONLY_VARIABLES) expect(environmentOf(fn), id).not.toHaveProperty(name);
    }
  });

  it('has its own role, without AWS managed policies, writing only to its own log group', () => {
    const roles = synth.resourcesOfType('AWS::IAM::Role');
    for (const [id, fn] of Object.entries(lambdaFunctions())) {
      const roleId = roleIdOf(fn);
      expect(roles[roleId]?.Properties?.ManagedPolicyArns, id).toBeUndefined();
      const logStatements = synth
        .statementsOfRole(roleId)
        .filter((s) => actionsOf([s]).some((a) => a.startsWith('logs:')));
      const logging = fn.Properties?.LoggingConfig as { LogGroup?: unknown } | undefined;
      const logGroupId = ownLogGroupIds().get(id);
      expect(logging?.LogGroup, id).toEqual({ Ref: logGroupId });
      // Creating streams and putting events in that log group: nothing else, nowhere else.
      expect(logStatements, id).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        },
      ]);
    }
    const functionRoleIds = new Set(Object.values(lambdaFunctions()).map(roleIdOf));
    expect(functionRoleIds.size).toBe(Object.keys(lambdaFunctions()).length);
  });
});

describe('the API’s functions', () => {
  it('are one per route group, each serving exactly the routes of its group', () => {
    const byFunction = new Map<string, Set<string>>();
    for (const route of routeList) {
      const id = routeFunctionId(route);
      byFunction.set(id, new Set([...(byFunction.get(id) ?? []), route.group]));
    }
    expect(byFunction.size).toBe(API_GROUPS.length);
    for (const groups of byFunction.values()) expect(groups.size).toBe(1);
    expect(new Set(routeList.map((r) => r.group))).toEqual(new Set(API_GROUPS));
  });

  it('may be invoked by API Gateway through one permission each, for this API only', () => {
    const permissions = Object.values(synth.resourcesOfType('AWS::Lambda::Permission')).filter(
      (p) => p.Properties?.Principal === 'apigateway.amazonaws.com',
    );
    const targets = permissions.map((p) => referencedId(p.Properties?.FunctionName));
    const apiFunctions = API_GROUPS.map((group) => {
      const route = routeList.find((r) => r.group === group);
      if (!route) throw new Error(`No route in ${group}`);
      return routeFunctionId(route);
    });
    expect(targets.sort()).toEqual([...apiFunctions].sort());
    const apiId = Object.keys(synth.resourcesOfType('AWS::ApiGateway::RestApi'))[0] ?? '';
    for (const permission of permissions) {
      expect(permission.Properties?.Action).toBe('lambda:InvokeFunction');
      expect([...referencedIds(permission.Properties?.SourceArn)]).toContain(apiId);
    }
  });
});

describe.each(API_GROUPS.map((group) => [group]))('route group %s', (group) => {
  const needs = expectedNeeds(group);

  it('gets the table name only if it uses the table, and the matching table grant', () => {
    const fn = groupFunction(group);
    const actions = actionsOf(synth.statementsOfRole(roleIdOf(fn)));
    const dynamoActions = actions.filter((a) => a.startsWith('dynamodb:'));
    if (!needs.table) {
      expect(environmentOf(fn)).not.toHaveProperty('TABLE_NAME');
      expect(dynamoActions).toEqual([]);
      return;
    }
    expect(environmentOf(fn).TABLE_NAME).toEqual(tableName());
    const dynamoStatements = synth
      .statementsOfRole(roleIdOf(fn))
      .filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')));
    for (const statement of dynamoStatements) expect(statement.Resource).toEqual(tableResources());
    expect(dynamoActions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    if (needs.table === 'read') {
      for (const write of WRITE_ACTIONS) expect(dynamoActions).not.toContain(write);
    } else {
      expect(dynamoActions).toEqual(expect.arrayContaining(WRITE_ACTIONS));
    }
  });

  it('is told where the web console’s files are in its bundle only if it serves them (§41)', () => {
    const fn = groupFunction(group);
    if (needs.consoleAssets) expect(environmentOf(fn).CONSOLE_ASSETS_DIR).toBe('/var/task/console');
    else expect(environmentOf(fn)).not.toHaveProperty('CONSOLE_ASSETS_DIR');
  });

  it('may read, write and delete the Idempotency-Key records of its idempotent routes', () => {
    const idempotentRoutes = routeList.filter((r) => r.group === group && r.idempotent);
    if (idempotentRoutes.length === 0) return;
    const actions = actionsOf(synth.statementsOfRole(roleIdOf(groupFunction(group))));
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ]),
    );
  });

  it('can start exactly the workflows its routes name', () => {
    const fn = groupFunction(group);
    const statements = synth
      .statementsOfRole(roleIdOf(fn))
      .filter((s) => actionsOf([s]).includes('states:StartExecution'));
    const starts = needs.startsWorkflows ?? [];
    if (starts.length === 0) {
      expect(statements).toEqual([]);
      for (const name of ARN_VARIABLES) expect(environmentOf(fn)).not.toHaveProperty(name);
      return;
    }
    // (CDK merges the task-response grant on the same machines into the statement.)
    expect(actionsOf(statements).filter((a) => !a.startsWith('states:SendTask'))).toEqual([
      'states:StartExecution',
    ]);
    const granted = new Set(statements.flatMap((s) => [...referencedIds(s.Resource)]));
    expect(granted).toEqual(new Set(starts.map(stateMachineId)));
    // Each ARN variable points at its own machine; operation routes get both operation
    // machines (the workflow config validates them together), and only those.
    const operations = OPERATION_STATE_MACHINES.map((m) => m.name);
    const expected = STATE_MACHINES.filter(
      (m) =>
        starts.includes(m.name as never) ||
        (operations.includes(m.name) && starts.some((n) => operations.includes(n))),
    );
    for (const definition of STATE_MACHINES) {
      const value = environmentOf(fn)[definition.arnVariable];
      if (expected.includes(definition)) expect(referencedId(value)).toBe(stateMachineId(definition.name));
      else expect(value).toBeUndefined();
    }
  });

  it('answers the operation workflows’ waiting tasks (grantTaskResponse) only if its routes say so', () => {
    const fn = groupFunction(group);
    const statements = synth
      .statementsOfRole(roleIdOf(fn))
      .filter((s) => actionsOf([s]).some((a) => a.startsWith('states:SendTask')));
    if (!needs.answersWorkflowTasks) {
      expect(statements).toEqual([]);
      return;
    }
    expect(actionsOf(statements).filter((a) => a.startsWith('states:SendTask'))).toEqual([
      'states:SendTaskFailure',
      'states:SendTaskHeartbeat',
      'states:SendTaskSuccess',
    ]);
    const granted = new Set(statements.flatMap((s) => [...referencedIds(s.Resource)]));
    expect(granted).toEqual(new Set(OPERATION_STATE_MACHINES.map((m) => stateMachineId(m.name))));
  });

  it('gets the user pool ids only if it talks to Cognito, and Cognito IAM only for admin calls', () => {
    const fn = groupFunction(group);
    const env = environmentOf(fn);
    if (needs.cognito || needs.cognitoAdmin) {
      expect(env.USER_POOL_ID).toEqual({ Ref: logicalId(synth.api.auth.userPool) });
    } else {
      expect(env).not.toHaveProperty('USER_POOL_ID');
    }
    if (needs.cognito) {
      expect(env.USER_POOL_CLIENT_ID).toEqual({ Ref: logicalId(synth.api.auth.userPoolClient) });
      expect(env.SERVICE_ACCOUNT_CLIENT_ID).toEqual({ Ref: logicalId(synth.api.auth.serviceAccountClient) });
    } else {
      expect(env).not.toHaveProperty('USER_POOL_CLIENT_ID');
      expect(env).not.toHaveProperty('SERVICE_ACCOUNT_CLIENT_ID');
    }
    const statements = synth
      .statementsOfRole(roleIdOf(fn))
      .filter((s) => actionsOf([s]).some((a) => a.startsWith('cognito-idp:')));
    if (needs.cognitoAdmin) {
      // Exactly the admin calls of service accounts, on the user pool only (§44).
      expect(actionsOf(statements).sort()).toEqual([...COGNITO_ADMIN_ACTIONS].sort());
      expect(statements.map((s) => s.Resource)).toEqual(
        statements.map(() => ({ 'Fn::GetAtt': [logicalId(synth.api.auth.userPool), 'Arn'] })),
      );
    } else {
      expect(statements).toEqual([]);
    }
  });

  it('can do nothing beyond its routes’ needs, X-Ray and its logs', () => {
    const fn = groupFunction(group);
    const services = new Set(actionsOf(synth.statementsOfRole(roleIdOf(fn))).map((a) => a.split(':')[0]));
    const allowed = new Set(['xray', 'logs']);
    if (needs.table) allowed.add('dynamodb');
    if ((needs.startsWorkflows ?? []).length > 0 || needs.answersWorkflowTasks) allowed.add('states');
    if (needs.cognitoAdmin) allowed.add('cognito-idp');
    expect([...services].filter((s) => !allowed.has(s ?? ''))).toEqual([]);
  });

  it('neither knows the event bus nor may put events on it (events are published from the table stream)', () => {
    const fn = groupFunction(group);
    const actions = actionsOf(synth.statementsOfRole(roleIdOf(fn)));
    expect(environmentOf(fn)).not.toHaveProperty('EVENT_BUS_NAME');
    expect(actions.filter((a) => a.startsWith('events:'))).toEqual([]);
  });
});

describe.each(STEP_GROUP_NAMES.map((group) => [group]))('step group %s', (group) => {
  it('reads and writes the table, knows the time scale, and cannot start workflows', () => {
    const fn = synth.resource('AWS::Lambda::Function', stepFunctionId(group));
    const env = environmentOf(fn);
    expect(env.TABLE_NAME).toEqual(tableName());
    expect(env.SIMULATION_TIME_SCALE).toBe('0.1');
    // The state machines depend on the step functions: an ARN here would be a cycle.
    for (const name of ARN_VARIABLES) expect(env).not.toHaveProperty(name);
    const actions = actionsOf(synth.statementsOfRole(roleIdOf(fn)));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', ...WRITE_ACTIONS]));
    expect(actions.filter((a) => a.startsWith('states:'))).toEqual([]);
    expect(fn.Properties?.Timeout).toBe(30);
    // Steps record lifecycle events with their writes; only the stream's publisher puts them on the bus.
    expect(actions.filter((a) => a.startsWith('events:'))).toEqual([]);
    expect(env).not.toHaveProperty('EVENT_BUS_NAME');
  });
});
