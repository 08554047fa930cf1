/**
 * The lifecycle event publisher as synthesized (docs/decisions.md §35): the table has a
 * stream of new images; one event source mapping reads it into the publish function, with
 * the filter on new event items, bisect on error, retries, partial batch responses and an
 * on-failure queue; the function may update and read the table's items, query the table (the
 * webhooks' fan-out, §45; no index, no delete), put, condition-check and batch-write items (the
 * pull-request previews' consumer, §46), read the stream, put events on the lifecycle bus, send
 * to its queue and the webhook queue, and start the destroy and rollout state machines, nothing else.
 */
import { describe, expect, it } from 'vitest';
import { EVENT_STREAM_FILTER } from '../../functions/data/table-design.ts';
import {
  actionsOf,
  type CfnResource,
  logicalId,
  referencedId,
  referencedIds,
  useSynthesizedApp,
} from './support.ts';

const synth = useSynthesizedApp();

const functionId = (): string => logicalId(synth.api.eventPublisher.function);
const queueId = (): string => logicalId(synth.api.eventPublisher.failureQueue);
const tableId = (): string => logicalId(synth.stateful.table);
/** The stream's mapping (the other one feeds the webhook sender from its queue, webhook-sender.test.ts). */
const mapping = (): CfnResource => {
  const mappings = Object.values(synth.resourcesOfType('AWS::Lambda::EventSourceMapping')).filter(
    (m) => referencedId(m.Properties?.FunctionName) === functionId(),
  );
  if (mappings.length !== 1 || !mappings[0]) throw new Error(`${mappings.length} mappings of the publisher`);
  return mappings[0];
};

describe('the table', () => {
  it('has a stream of new images', () => {
    const [table] = Object.values(synth.statefulTemplate.findResources('AWS::DynamoDB::Table'));
    expect((table as CfnResource).Properties?.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
  });
});

describe('the event source mapping', () => {
  it('feeds the publish function from the table’s stream, oldest record first', () => {
    const props = mapping().Properties ?? {};
    expect(referencedId(props.FunctionName)).toBe(functionId());
    expect(JSON.stringify(props.EventSourceArn)).toContain('StreamArn');
    expect(props.StartingPosition).toBe('TRIM_HORIZON');
    expect(props.BatchSize).toBe(100);
    expect(props.MaximumBatchingWindowInSeconds).toBe(1);
  });

  it('lets through only inserted event items', () => {
    const criteria = mapping().Properties?.FilterCriteria as { Filters: { Pattern: string }[] } | undefined;
    const filters = criteria?.Filters ?? [];
    expect(filters).toHaveLength(1);
    expect(JSON.parse(filters[0]?.Pattern ?? '{}')).toEqual({
      eventName: ['INSERT'],
      dynamodb: { Keys: { SK: { S: [{ prefix: 'EVT#' }] } } },
    });
    expect(EVENT_STREAM_FILTER.dynamodb.Keys.SK.S[0]?.prefix).toBe('EVT#');
  });

  it('bisects a failing batch, retries, reports partial failures and sends what still fails to its queue', () => {
    const props = mapping().Properties ?? {};
    expect(props.BisectBatchOnFunctionError).toBe(true);
    expect(props.MaximumRetryAttempts).toBe(10);
    expect(props.MaximumRecordAgeInSeconds).toBe(86_400);
    expect(props.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    const destination = (props.DestinationConfig as { OnFailure?: { Destination: unknown } } | undefined)
      ?.OnFailure;
    expect(referencedId(destination?.Destination)).toBe(queueId());
  });
});

describe('the publish function', () => {
  const fn = (): CfnResource => synth.resource('AWS::Lambda::Function', functionId());
  const roleId = (): string => referencedId(fn().Properties?.Role) ?? '';

  it('knows the table, the event bus, the webhook queue and the state machines, nothing else', () => {
    const env =
      (fn().Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    expect(Object.keys(env).sort()).toEqual([
      'DEPLOY_STATE_MACHINE_ARN',
      'DESTROY_STATE_MACHINE_ARN',
      'EVENT_BUS_NAME',
      'PROVISION_STATE_MACHINE_ARN',
      'TABLE_NAME',
      'WEBHOOK_QUEUE_URL',
    ]);
    for (const [variable, name] of [
      ['DEPLOY_STATE_MACHINE_ARN', 'deploy-release'],
      ['DESTROY_STATE_MACHINE_ARN', 'destroy-environment'],
      ['PROVISION_STATE_MACHINE_ARN', 'provision-environment'],
    ] as const) {
      const machine = synth.api.workflows.stateMachines.get(name);
      expect(machine && referencedId(env[variable])).toBe(machine && logicalId(machine));
    }
    expect(referencedId(env.WEBHOOK_QUEUE_URL)).toBe(logicalId(synth.api.webhookSender.queue));
    expect(referencedId(env.EVENT_BUS_NAME)).toBe(logicalId(synth.api.notifications.bus));
    expect(fn().Properties?.Timeout).toBe(60);
  });

  it('may read, query and write the table’s items (no index, no delete), read its stream, put on the bus, send to its queues and start the destroy and the rollout: nothing more', () => {
    const statements = synth.statementsOfRole(roleId());
    const table = statements.filter((s) =>
      actionsOf([s]).some((a) => ['dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:Query'].includes(a)),
    );
    expect(table).toHaveLength(1);
    // Update/Get/Query: the markers, counters and the webhooks' fan-out (§35, §45); Put,
    // ConditionCheck and BatchWrite: the previews' consumer starting a destroy or a rollout (§46).
    expect(actionsOf(table).sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    // The table itself: no index, no other table.
    expect(JSON.stringify(table[0]?.Resource)).not.toContain('index');
    expect(JSON.stringify(table[0]?.Resource)).toContain(tableId());
    const dynamodb = actionsOf(statements).filter((a) => a.startsWith('dynamodb:'));
    expect([...new Set(dynamodb)].sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DescribeStream',
      'dynamodb:GetItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const services = new Set(actionsOf(statements).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'events', 'logs', 'sqs', 'states', 'xray']);
    const events = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('events:')));
    expect(actionsOf(events)).toEqual(['events:PutEvents']);
    expect([...referencedIds(events[0]?.Resource)]).toEqual([logicalId(synth.api.notifications.bus)]);
    const sqs = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')));
    expect(sqs.flatMap((s) => [...referencedIds(s.Resource)]).sort()).toEqual(
      [queueId(), logicalId(synth.api.webhookSender.queue)].sort(),
    );
    const starts = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('states:')));
    expect(new Set(actionsOf(starts))).toEqual(new Set(['states:StartExecution']));
    const machine = (name: string) => {
      const found = synth.api.workflows.stateMachines.get(name);
      if (!found) throw new Error(`no ${name}`);
      return logicalId(found);
    };
    expect(starts.flatMap((s) => [...referencedIds(s.Resource)]).sort()).toEqual(
      [machine('deploy-release'), machine('destroy-environment')].sort(),
    );
  });
});

describe('the on-failure queue', () => {
  it('is encrypted, kept 14 days and alarmed as soon as a record is in it', () => {
    expect(synth.resource('AWS::SQS::Queue', queueId()).Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    const alarms = Object.values(synth.resourcesOfType('AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a.Properties?.Dimensions ?? []).includes(queueId()),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({ Threshold: 1, EvaluationPeriods: 1 });
  });
});
