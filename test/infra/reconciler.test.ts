/**
 * The execution reconciler as synthesized: an EventBridge rule matching exactly the
 * Step Functions status changes the workflows cannot settle themselves (FAILED, TIMED_OUT,
 * ABORTED) of this app's two state machines, targeting the reconcile function with a
 * retry policy and a dead-letter queue; the function reads and writes the table and
 * nothing else; events it cannot handle land in the same (encrypted, TLS-only,
 * alarmed) queue.
 */
import { describe, expect, it } from 'vitest';
import { STATE_MACHINES } from '../../functions/steps/step-list.ts';
import {
  actionsOf,
  type CfnResource,
  logicalId,
  type PolicyStatement,
  referencedId,
  referencedIds,
  useSynthesizedApp,
} from './support.ts';

const synth = useSynthesizedApp();

const functionId = (): string => logicalId(synth.api.reconciler.function);
const queueId = (): string => logicalId(synth.api.reconciler.deadLetterQueue);
const ruleId = (): string => logicalId(synth.api.reconciler.rule);

const statementsOfPolicy = (policy: CfnResource): PolicyStatement[] =>
  (policy.Properties?.PolicyDocument as { Statement?: PolicyStatement[] } | undefined)?.Statement ?? [];

describe('the EventBridge rule', () => {
  it('matches FAILED, TIMED_OUT and ABORTED status changes of every state machine, and only those', () => {
    const rule = synth.resource('AWS::Events::Rule', ruleId());
    const props = rule.Properties ?? {};
    expect(props.State).toBe('ENABLED');
    // The default bus, where Step Functions sends its status changes.
    expect(props.EventBusName).toBeUndefined();
    const pattern = props.EventPattern as {
      source: unknown;
      'detail-type': unknown;
      detail: { status: string[]; stateMachineArn: unknown[] };
    };
    expect(Object.keys(pattern).sort()).toEqual(['detail', 'detail-type', 'source']);
    expect(pattern.source).toEqual(['aws.states']);
    expect(pattern['detail-type']).toEqual(['Step Functions Execution Status Change']);
    expect(Object.keys(pattern.detail).sort()).toEqual(['stateMachineArn', 'status']);
    expect([...pattern.detail.status].sort()).toEqual(['ABORTED', 'FAILED', 'TIMED_OUT']);
    // `Ref` of a state machine is its ARN.
    const machineIds = STATE_MACHINES.map((m) => logicalId(synth.api.workflows.stateMachines.get(m.name)));
    expect(machineIds).toHaveLength(3);
    expect(pattern.detail.stateMachineArn.map((arn) => (arn as { Ref?: unknown }).Ref).sort()).toEqual(
      [...machineIds].sort(),
    );
  });

  it('targets the reconcile function, with a retry policy and a dead-letter queue', () => {
    const rule = synth.resource('AWS::Events::Rule', ruleId());
    const targets = rule.Properties?.Targets as {
      Arn: unknown;
      DeadLetterConfig?: { Arn: unknown };
      RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
    }[];
    expect(targets).toHaveLength(1);
    const [target] = targets;
    expect(referencedId(target?.Arn)).toBe(functionId());
    expect(referencedId(target?.DeadLetterConfig?.Arn)).toBe(queueId());
    // Ten tries over six hours: an execution left unsettled is worth retrying for a while.
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21_600 });
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

describe('the reconcile function', () => {
  const fn = (): CfnResource => synth.resource('AWS::Lambda::Function', functionId());
  const roleId = (): string => referencedId(fn().Properties?.Role) ?? '';

  it('knows only the table (events are published from the table stream)', () => {
    const props = fn().Properties ?? {};
    const env = (props.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env).sort()).toEqual(['TABLE_NAME']);
    expect(props.Timeout).toBe(30);
  });

  it('reads and writes the table, and cannot start or stop workflows', () => {
    const statements = synth.statementsOfRole(roleId());
    const actions = actionsOf(statements);
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ]),
    );
    expect(
      actions.filter((a) => a.startsWith('states:') || a.startsWith('lambda:') || a.startsWith('events:')),
    ).toEqual([]);
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
  it('is encrypted, keeps messages 14 days, accepts TLS only, and only the rule may send to it', () => {
    const queue = synth.resource('AWS::SQS::Queue', queueId());
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });

    const policies = Object.values(synth.resourcesOfType('AWS::SQS::QueuePolicy')).filter((p) =>
      ((p.Properties?.Queues as unknown[] | undefined) ?? []).some((q) => referencedId(q) === queueId()),
    );
    expect(policies).toHaveLength(1);
    const statements = statementsOfPolicy(policies[0] as CfnResource) as (PolicyStatement & {
      Principal: unknown;
      Condition?: Record<string, Record<string, unknown>>;
    })[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Action: 'sqs:SendMessage',
      Principal: { Service: 'events.amazonaws.com' },
    });
    expect(referencedId(allows[0]?.Condition?.ArnEquals?.['aws:SourceArn'])).toBe(ruleId());
  });

  it('raises an alarm as soon as a message is in it', () => {
    const alarms = Object.values(synth.resourcesOfType('AWS::CloudWatch::Alarm')).filter((a) =>
      referencedIds(a.Properties?.Dimensions).has(queueId()),
    );
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0];
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
    const dimensions = alarm?.Properties?.Dimensions as { Name: string; Value: unknown }[];
    expect(dimensions.map((d) => [d.Name, referencedId(d.Value)])).toEqual([['QueueName', queueId()]]);
  });
});
