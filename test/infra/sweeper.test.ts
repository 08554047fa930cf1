/**
 * The TTL sweeper as synthesized: an EventBridge schedule, every minute, targeting the
 * sweep function with a retry policy and a dead-letter queue; the function knows the
 * table, both state machine ARNs (the workflow config validates them) and the time scale,
 * reads and writes the table, and can start the operation state machines (teardown, and
 * the redeploy of drifted stacks), never the rollout one.
 */
import { describe, expect, it } from 'vitest';
import { OPERATION_STATE_MACHINES } from '../../functions/steps/step-list.ts';
import {
  actionsOf,
  type CfnResource,
  logicalId,
  referencedId,
  referencedIds,
  useSynthesizedApp,
} from './support.ts';

const synth = useSynthesizedApp();

const functionId = (): string => logicalId(synth.api.sweeper.function);
const queueId = (): string => logicalId(synth.api.sweeper.deadLetterQueue);
const ruleId = (): string => logicalId(synth.api.sweeper.rule);
const stateMachineId = (name: string): string => logicalId(synth.api.workflows.stateMachines.get(name));

describe('the schedule', () => {
  it('is the only scheduled rule: every minute, enabled, on the default bus', () => {
    const scheduled = Object.entries(synth.resourcesOfType('AWS::Events::Rule')).filter(
      ([, rule]) => rule.Properties?.ScheduleExpression !== undefined,
    );
    expect(scheduled.map(([id]) => id)).toEqual([ruleId()]);
    const props = synth.resource('AWS::Events::Rule', ruleId()).Properties ?? {};
    expect(props.ScheduleExpression).toBe('rate(1 minute)');
    expect(props.State).toBe('ENABLED');
    expect(props.EventPattern).toBeUndefined();
    expect(props.EventBusName).toBeUndefined();
  });

  it('targets the sweep function, with a retry policy and a dead-letter queue', () => {
    const targets = synth.resource('AWS::Events::Rule', ruleId()).Properties?.Targets as {
      Arn: unknown;
      Input?: unknown;
      DeadLetterConfig?: { Arn: unknown };
      RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
    }[];
    expect(targets).toHaveLength(1);
    const [target] = targets;
    expect(referencedId(target?.Arn)).toBe(functionId());
    // The scheduled event itself, as the handler expects it.
    expect(target?.Input).toBeUndefined();
    expect(referencedId(target?.DeadLetterConfig?.Arn)).toBe(queueId());
    // Three tries within ten minutes: the next sweep, a minute later, does the same work.
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 });
  });

  it('may invoke the function (resource policy scoped to the rule)', () => {
    const permissions = Object.values(synth.resourcesOfType('AWS::Lambda::Permission')).filter(
      (p) => referencedId(p.Properties?.FunctionName) === functionId(),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
    });
    expect(referencedId(permissions[0]?.Properties?.SourceArn)).toBe(ruleId());
  });
});

describe('the sweep function', () => {
  const fn = (): CfnResource => synth.resource('AWS::Lambda::Function', functionId());
  const roleId = (): string => referencedId(fn().Properties?.Role) ?? '';

  it('knows the table, both state machines and the time scale the steps use (not the event bus)', () => {
    const props = fn().Properties ?? {};
    const env = (props.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env).sort()).toEqual(
      [
        'DESTROY_STATE_MACHINE_ARN',
        'PROVISION_STATE_MACHINE_ARN',
        'SIMULATION_TIME_SCALE',
        'TABLE_NAME',
      ].sort(),
    );
    for (const definition of OPERATION_STATE_MACHINES) {
      expect(referencedId(env[definition.arnVariable])).toBe(stateMachineId(definition.name));
    }
    const step = synth.api.workflows.steps.values().next().value;
    const stepFunction = synth.resource('AWS::Lambda::Function', logicalId(step));
    const stepEnv =
      (stepFunction.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables ?? {};
    expect(env.SIMULATION_TIME_SCALE).toBe(stepEnv.SIMULATION_TIME_SCALE);
    expect(props.Timeout).toBe(60);
  });

  it('reads and writes the table, and can start the operation state machines only', () => {
    const statements = synth.statementsOfRole(roleId());
    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ]),
    );
    const states = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('states:')));
    expect(actionsOf(states)).toEqual(['states:StartExecution']);
    expect(new Set(states.flatMap((s) => [...referencedIds(s.Resource)]))).toEqual(
      new Set([stateMachineId('destroy-environment'), stateMachineId('provision-environment')]),
    );
    const services = new Set(actionsOf(statements).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'sqs', 'states', 'xray']);
    // sqs:SendMessage only to its own dead-letter queue.
    const sqs = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')));
    expect(actionsOf(sqs)).toEqual(['sqs:SendMessage']);
    expect(sqs.flatMap((s) => [...referencedIds(s.Resource)])).toEqual([queueId()]);
  });

  it('dead-letters the events it still fails on after Lambda’s asynchronous retries', () => {
    const config = fn().Properties?.DeadLetterConfig as { TargetArn: unknown } | undefined;
    expect(referencedId(config?.TargetArn)).toBe(queueId());
  });
});

describe('the dead-letter queue', () => {
  it('is encrypted, TLS-only, and alarmed as soon as a message is in it', () => {
    expect(synth.resource('AWS::SQS::Queue', queueId()).Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    const policies = Object.values(synth.resourcesOfType('AWS::SQS::QueuePolicy')).filter((p) =>
      ((p.Properties?.Queues as unknown[] | undefined) ?? []).some((q) => referencedId(q) === queueId()),
    );
    expect(policies).toHaveLength(1);
    // Plain HTTP denied to everyone; sending allowed to EventBridge for the schedule's rule only.
    const queueArn = { 'Fn::GetAtt': [queueId(), 'Arn'] };
    expect(policies[0]?.Properties?.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: 'sqs:*',
          Principal: { AWS: '*' },
          Resource: queueArn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Sid: expect.stringMatching(/^AllowEventRule/),
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Principal: { Service: 'events.amazonaws.com' },
          Resource: queueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId(), 'Arn'] } } },
        },
      ],
    });
    const alarms = Object.values(synth.resourcesOfType('AWS::CloudWatch::Alarm')).filter((a) =>
      referencedIds(a.Properties?.Dimensions).has(queueId()),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
    });
  });
});
