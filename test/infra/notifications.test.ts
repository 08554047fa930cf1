/**
 * Lifecycle events and notifications as synthesized: a custom EventBus, an SNS topic
 * encrypted with a rotating customer managed key that EventBridge may use, one rule on
 * the bus sending the notified event types (the same list the local bus applies) to the
 * topic with a dead-letter queue, and an email subscription from the context.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { detailTypeOf, EVENT_SOURCE, NOTIFIED_EVENT_TYPES } from '../../functions/domain/lifecycle-events.ts';
import { Notifications } from '../../lib/notifications.ts';
import { logicalId, newTestApp, resourcesOfType, useSynthesizedApp } from './support.ts';

const synth = useSynthesizedApp();

describe('the event bus', () => {
  it('is a custom bus whose name the publishing functions get', () => {
    const [busId] = synth.only('AWS::Events::EventBus');
    expect(busId).toBe(logicalId(synth.api.notifications.bus));
  });
});

describe('the notification topic', () => {
  it('is encrypted with a rotating customer managed key that EventBridge may use, and refuses plain HTTP', () => {
    const [, topic] = synth.only('AWS::SNS::Topic');
    const keyId = logicalId(synth.api.notifications.topic.masterKey);
    expect(topic.Properties?.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    const key = synth.resourcesOfType('AWS::KMS::Key')[keyId];
    expect(key?.Properties?.EnableKeyRotation).toBe(true);
    const policy = key?.Properties?.KeyPolicy as
      | { Statement: { Principal?: { Service?: string }; Action: string | string[] }[] }
      | undefined;
    const statements = policy?.Statement ?? [];
    const forEvents = statements.find((s) => s.Principal?.Service === 'events.amazonaws.com');
    expect(forEvents?.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
    const [, topicPolicy] = synth.only('AWS::SNS::TopicPolicy');
    const topicId = logicalId(synth.api.notifications.topic);
    expect(topicPolicy.Properties?.Topics).toEqual([{ Ref: topicId }]);
    // Publishing over plain HTTP is denied to everyone, on this topic.
    expect(
      (topicPolicy.Properties?.PolicyDocument as { Statement: unknown[] } | undefined)?.Statement,
    ).toContainEqual({
      Sid: 'AllowPublishThroughSSLOnly',
      Effect: 'Deny',
      Action: 'sns:Publish',
      Principal: '*',
      Resource: { Ref: topicId },
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('gets the notified event types from the bus, with a readable message and a dead-letter queue', () => {
    const rule = synth.resource('AWS::Events::Rule', logicalId(synth.api.notifications.rule));
    const props = rule.Properties ?? {};
    expect(props.EventBusName).toEqual({ Ref: logicalId(synth.api.notifications.bus) });
    expect(props.EventPattern).toEqual({
      source: [EVENT_SOURCE],
      'detail-type': NOTIFIED_EVENT_TYPES.map(detailTypeOf),
    });
    const [target] = props.Targets as {
      Arn: unknown;
      InputTransformer?: unknown;
      DeadLetterConfig?: unknown;
      RetryPolicy?: unknown;
    }[];
    expect(target?.Arn).toEqual({ Ref: logicalId(synth.api.notifications.topic) });
    // The facts a person needs, as JSON, rather than the whole event with its envelope.
    expect(target?.InputTransformer).toEqual({
      InputPathsMap: {
        'detail-type': '$.detail-type',
        time: '$.time',
        'detail-environment_id': '$.detail.environment_id',
        'detail-deployment_id': '$.detail.deployment_id',
        'detail-detail': '$.detail.detail',
      },
      InputTemplate:
        '{"event":<detail-type>,"time":<time>,"environment_id":<detail-environment_id>,"deployment_id":<detail-deployment_id>,"detail":<detail-detail>}',
    });
    // Its own dead-letter queue: the reconciler and the sweeper have theirs.
    const queueId = logicalId(synth.api.notifications.node.findChild('DeadLetterQueue'));
    expect(target?.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    // Ten tries over a day: a failure notice is still worth delivering late.
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 });
  });

  it('has no subscriber unless an email is given in the context, and validates it', () => {
    expect(synth.resourcesOfType('AWS::SNS::Subscription')).toEqual({});
    const app = newTestApp();
    app.node.setContext('notificationEmail', 'ops@example.com');
    const stack = new Stack(app, 'WithEmail');
    new Notifications(stack, 'Notifications');
    const subscriptions = Object.values(resourcesOfType(Template.fromStack(stack), 'AWS::SNS::Subscription'));
    expect(subscriptions.map((s) => [s.Properties?.Protocol, s.Properties?.Endpoint])).toEqual([
      ['email', 'ops@example.com'],
    ]);
    const bad = newTestApp();
    bad.node.setContext('notificationEmail', 'not-an-email');
    expect(() => new Notifications(new Stack(bad, 'Bad'), 'Notifications')).toThrow(/notificationEmail/);
  });
});
