/**
 * The webhook sender as synthesized (docs/decisions.md §45): an encrypted queue with a
 * dead-letter queue (10 receives) feeding the sender through an event source mapping with
 * partial batch responses; the sender knows the table and its queue, may get and put its items (no
 * index, no query, no delete, no other service but logs and X-Ray) and read its queue.
 */
import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  type CfnResource,
  logicalId,
  referencedId,
  referencedIds,
  useSynthesizedApp,
} from './support.ts';

const synth = useSynthesizedApp();

const functionId = (): string => logicalId(synth.api.webhookSender.function);
const queueId = (): string => logicalId(synth.api.webhookSender.queue);
const dlqId = (): string => logicalId(synth.api.webhookSender.deadLetterQueue);
const tableId = (): string => logicalId(synth.stateful.table);

describe('the webhook queue', () => {
  it('is encrypted, SSL only, with a dead-letter queue after 10 receives and a visibility of 6 × the timeout', () => {
    const props = synth.resource('AWS::SQS::Queue', queueId()).Properties ?? {};
    expect(props.SqsManagedSseEnabled).toBe(true);
    expect(props.VisibilityTimeout).toBe(540);
    const redrive = props.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
    expect(redrive.maxReceiveCount).toBe(10);
    expect(props.MessageRetentionPeriod).toBe(172_800);
    expect(referencedId(redrive.deadLetterTargetArn)).toBe(dlqId());
  });

  it('feeds the sender in batches of 5 with partial batch responses', () => {
    const mappings = Object.values(synth.resourcesOfType('AWS::Lambda::EventSourceMapping')).filter(
      (m) => referencedId(m.Properties?.FunctionName) === functionId(),
    );
    expect(mappings).toHaveLength(1);
    const props = (mappings[0] as CfnResource).Properties ?? {};
    expect(referencedId(props.EventSourceArn)).toBe(queueId());
    expect(props.BatchSize).toBe(5);
    expect(props.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });
});

describe('the sender function', () => {
  const fn = (): CfnResource => synth.resource('AWS::Lambda::Function', functionId());
  const roleId = (): string => referencedId(fn().Properties?.Role) ?? '';

  it('knows the table and its queue (retries set visibility), with a 90 s timeout (5 messages × 15 s)', () => {
    const env =
      (fn().Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    expect(Object.keys(env).sort()).toEqual(['TABLE_NAME', 'WEBHOOK_QUEUE_URL']);
    expect(referencedId(env.WEBHOOK_QUEUE_URL)).toBe(queueId());
    expect(fn().Properties?.Timeout).toBe(90);
  });

  it('may get and put the table’s items and consume its queue (visibility included): nothing more', () => {
    const statements = synth.statementsOfRole(roleId());
    const dynamodb = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')));
    expect(actionsOf(dynamodb).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(JSON.stringify(dynamodb[0]?.Resource)).not.toContain('index');
    expect(JSON.stringify(dynamodb[0]?.Resource)).toContain(tableId());
    const services = new Set(actionsOf(statements).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'sqs', 'xray']);
    const sqs = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')));
    expect(sqs.flatMap((s) => [...referencedIds(s.Resource)])).toEqual([queueId()]);
    expect(
      actionsOf(sqs).every((a) =>
        [
          'sqs:ReceiveMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueUrl',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
        ].includes(a),
      ),
    ).toBe(true);
  });
});
