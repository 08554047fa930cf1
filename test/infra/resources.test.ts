/**
 * The stateful resources and the workflows as synthesized: the table (on demand, PITR,
 * retained, the GSIs and TTL of the table design), the user pool (password policy,
 * groups, app client) and the state machines (logging, tracing, every ASL placeholder
 * substituted with the ARN of the right step function, which they may invoke).
 */
import { readFileSync, rmSync } from 'node:fs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TABLE_DESIGN } from '../../functions/data/table-design.ts';
import { STATE_MACHINES, type StepGroup, stepPlaceholder } from '../../functions/steps/step-list.ts';
import { USER_GROUPS } from '../../lib/auth.ts';
import { stateMachineFile } from '../../lib/paths.ts';
import { StatefulStack } from '../../lib/stateful-stack.ts';
import {
  actionsOf,
  type CfnResource,
  logicalId,
  newTestApp,
  referencedId,
  referencedIds,
  resourcesOfType,
  useSynthesizedApp,
} from './support.ts';

const synth = useSynthesizedApp();

describe('table (stateful stack)', () => {
  it('is the only resource of the stateful stack', () => {
    expect(Object.keys(synth.statefulTemplate.toJSON().Resources)).toHaveLength(1);
  });

  it('is on demand, with point-in-time recovery, deletion protection and TTL', () => {
    synth.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: TABLE_DESIGN.timeToLiveAttribute, Enabled: true },
      KeySchema: [
        { AttributeName: TABLE_DESIGN.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_DESIGN.sortKey, KeyType: 'RANGE' },
      ],
    });
  });

  it('is retained when the stack is deleted or the table replaced', () => {
    synth.statefulTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('has the GSIs of the table design (eleven: the expiry index GSI4, the drift index GSI5 and the status indexes GSI6–GSI11 included), projecting all attributes', () => {
    const [table] = Object.values(resourcesOfType(synth.statefulTemplate, 'AWS::DynamoDB::Table'));
    const indexes = (table?.Properties?.GlobalSecondaryIndexes ?? []) as { IndexName: string }[];
    expect(indexes.map((index) => index.IndexName)).toEqual([
      'GSI1',
      'GSI2',
      'GSI3',
      'GSI4',
      'GSI5',
      'GSI6',
      'GSI7',
      'GSI8',
      'GSI9',
      'GSI10',
      'GSI11',
    ]);
    synth.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: TABLE_DESIGN.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'GSI4PK', AttributeType: 'S' },
        { AttributeName: 'GSI4SK', AttributeType: 'S' },
      ]),
    });
  });

  it('has only the first n indexes with -c tableIndexes=n (an older table gets one more per deploy)', () => {
    // Arrange: the stateful stack alone, as `cdk deploy EnvProvisioning-Stateful -c tableIndexes=6` builds it.
    const app = newTestApp();
    app.node.setContext('tableIndexes', '6');
    const stateful = new StatefulStack(app, 'EnvProvisioning-Stateful');
    // Act
    const template = Template.fromStack(stateful);
    // Assert
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table')) as CfnResource[];
    const indexes = (table?.Properties?.GlobalSecondaryIndexes ?? []) as { IndexName: string }[];
    expect(indexes.map((index) => index.IndexName)).toEqual(['GSI1', 'GSI2', 'GSI3', 'GSI4', 'GSI5', 'GSI6']);
    rmSync(app.outdir, { recursive: true, force: true });
  });

  it('refuses a tableIndexes that is not a count of the design’s indexes', () => {
    const app = newTestApp();
    app.node.setContext('tableIndexes', '12');
    expect(() => new StatefulStack(app, 'EnvProvisioning-Stateful')).toThrow(
      'Context tableIndexes must be a whole number between 1 and 11, got 12',
    );
    rmSync(app.outdir, { recursive: true, force: true });
  });
});

describe('user pool', () => {
  it('signs in with email, with a password policy of at least 12 characters of every class', () => {
    synth.apiTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      Policies: {
        PasswordPolicy: {
          // Exactly 12: local mode's pool (local/cognito.ts) enforces the same minimum.
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
  });

  it('has the three role groups and the service accounts’ group', () => {
    const groups = Object.values(synth.resourcesOfType('AWS::Cognito::UserPoolGroup'));
    expect(groups.map((g) => g.Properties?.GroupName).sort()).toEqual(
      ['Administrators', 'Developers', 'ReadOnly', 'ServiceAccounts'].sort(),
    );
    expect(Object.keys(USER_GROUPS).sort()).toEqual([
      'Administrators',
      'Developers',
      'ReadOnly',
      'ServiceAccounts',
    ]);
  });

  it('has the service accounts’ custom attributes (project, role, expiry)', () => {
    synth.apiTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith(
        ['project_id', 'sa_role', 'sa_expires_at'].map((name) =>
          Match.objectLike({ Name: name, AttributeDataType: 'String', Mutable: true }),
        ),
      ),
    });
  });

  it('has a public app client for USER_PASSWORD_AUTH and refresh, without OAuth', () => {
    synth.apiTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      PreventUserExistenceErrors: 'ENABLED',
      AllowedOAuthFlowsUserPoolClient: false,
    });
  });

  it('has two app clients: people’s (1-hour tokens) and the service accounts’ (15 minutes, a day of refresh)', () => {
    const clients = synth.resourcesOfType('AWS::Cognito::UserPoolClient');
    const people = clients[logicalId(synth.api.auth.userPoolClient)]?.Properties;
    const serviceAccounts = clients[logicalId(synth.api.auth.serviceAccountClient)]?.Properties;
    expect(Object.keys(clients)).toHaveLength(2);
    expect(people).toMatchObject({
      IdTokenValidity: 60,
      AccessTokenValidity: 60,
      RefreshTokenValidity: 43200,
    });
    expect(serviceAccounts).toMatchObject({
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      IdTokenValidity: 15,
      AccessTokenValidity: 15,
      RefreshTokenValidity: 1440,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
      EnableTokenRevocation: true,
    });
  });

  it('lets no app client write the custom attributes (only the API does, with AdminCreateUser)', () => {
    const clients = Object.values(synth.resourcesOfType('AWS::Cognito::UserPoolClient'));
    for (const client of clients) {
      const written = client.Properties?.WriteAttributes as string[];
      expect(written.sort()).toEqual(['email', 'name']);
      expect(written.filter((a) => a.startsWith('custom:'))).toEqual([]);
    }
  });
});

describe.each(STATE_MACHINES.map((definition) => [definition.name, definition] as const))(
  'state machine %s',
  (name, definition) => {
    const construct = (): CfnResource =>
      synth.resource(
        'AWS::StepFunctions::StateMachine',
        logicalId(synth.api.workflows.stateMachines.get(name)),
      );
    const stepFunctionId = (group: StepGroup): string => logicalId(synth.api.workflows.steps.get(group));

    it('is a Standard workflow logging ALL with execution data, and traced', () => {
      const props = construct().Properties ?? {};
      expect(props.StateMachineType).toBe('STANDARD');
      expect(props.TracingConfiguration).toEqual({ Enabled: true });
      const logging = props.LoggingConfiguration as {
        Level: string;
        IncludeExecutionData: boolean;
        Destinations: unknown[];
      };
      expect(logging.Level).toBe('ALL');
      expect(logging.IncludeExecutionData).toBe(true);
      // Its own log group, under the vendedlogs prefix (found by name, not by construct id).
      const logGroupName = `/aws/vendedlogs/states/${synth.api.stackName}-${name}`;
      const logGroups = Object.entries(synth.resourcesOfType('AWS::Logs::LogGroup')).filter(
        ([, group]) => group.Properties?.LogGroupName === logGroupName,
      );
      expect(logGroups.map(([id]) => id)).toHaveLength(1);
      expect(logging.Destinations).toEqual([
        { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroups[0]?.[0], 'Arn'] } } },
      ]);
    });

    it('substitutes every placeholder of its ASL file with the ARN of its step function', () => {
      const asl = readFileSync(stateMachineFile(name), 'utf8');
      const placeholders = new Set([...asl.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]));
      // A workflow's tasks all run its one step function: one placeholder, its ARN.
      expect([...placeholders]).toEqual([stepPlaceholder(definition.group)]);
      expect(construct().Properties?.DefinitionSubstitutions).toEqual({
        [stepPlaceholder(definition.group)]: { 'Fn::GetAtt': [stepFunctionId(definition.group), 'Arn'] },
      });
    });

    it('may invoke exactly its step function', () => {
      const roleId = referencedId(construct().Properties?.RoleArn) ?? '';
      const invoke = synth
        .statementsOfRole(roleId)
        .filter((s) => actionsOf([s]).includes('lambda:InvokeFunction'));
      const invoked = new Set(invoke.flatMap((s) => [...referencedIds(s.Resource)]));
      expect(invoked).toEqual(new Set([stepFunctionId(definition.group)]));
    });
  },
);
