/**
 * The webhook delivery store's item (docs/decisions.md §45): its keys, and the table's TTL
 * attribute 30 days after the last attempt, so DynamoDB removes old deliveries (and those of a
 * deleted webhook) on its own; a read gives the record back without it.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { TABLE_DESIGN } from '../../../functions/data/table-design.ts';
import {
  DynamoWebhookDeliveryStore,
  webhookDeliveryItem,
} from '../../../functions/data/webhook-delivery-store.ts';
import type { WebhookAttempt, WebhookDeliveryRecord } from '../../../functions/domain/model.ts';
import {
  WEBHOOK_DELIVERY_RETENTION_DAYS,
  webhookDeliveryExpiresAt,
} from '../../../functions/domain/webhook-rules.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const WEBHOOK_ID = 'wh_01jd8x3k5m7n9p1q3r5s7t9v1w';
const EVENT_ID = 'evt_01jd8x3k5m7n9p1q3r5s7t9v1w';
const DAY = 86_400;

function attempt(n: number, at: string): WebhookAttempt {
  return {
    attempt: n,
    at,
    status: 'failed',
    duration_ms: 12,
    response_code: 500,
    error: 'HTTP 500',
    next_retry_at: null,
  };
}

function delivery(attempts: WebhookAttempt[]): WebhookDeliveryRecord {
  return {
    id: EVENT_ID,
    webhook_id: WEBHOOK_ID,
    project_id: 'prj_01jd8x3k5m7n9p1q3r5s7t9v1w',
    event_type: 'environment.running',
    status: 'pending',
    attempts,
    body: '{"type":"environment.running"}',
    created_at: '2026-11-22T10:00:00.000Z',
    updated_at: '2026-11-22T13:00:00.000Z',
  };
}

const epoch = (iso: string) => Date.parse(iso) / 1000;

beforeEach(() => {
  ddb.reset();
});

describe('a webhook delivery’s item', () => {
  it('expires 30 days after its last attempt (the table’s TTL attribute, epoch seconds)', () => {
    // Arrange
    const record = delivery([attempt(1, '2026-11-22T10:00:00.000Z'), attempt(2, '2026-11-22T10:01:30.500Z')]);
    // Act
    const item = webhookDeliveryItem(record);
    // Assert
    expect(WEBHOOK_DELIVERY_RETENTION_DAYS).toBe(30);
    expect(TABLE_DESIGN.timeToLiveAttribute).toBe('ttl');
    expect(item).toEqual({
      PK: `WH#${WEBHOOK_ID}`,
      SK: `DLV#${EVENT_ID}`,
      entity: 'webhook_delivery',
      ...record,
      ttl: epoch('2026-11-22T10:01:30.000Z') + 30 * DAY,
    });
  });

  it('expires 30 days after its last change when it has no attempt yet', () => {
    // Act
    const expiresAt = webhookDeliveryExpiresAt(delivery([]));
    // Assert
    expect(expiresAt).toBe(epoch('2026-11-22T13:00:00.000Z') + 30 * DAY);
  });

  it('moves its expiry with each new attempt, so a retried delivery outlives its retries', () => {
    // Arrange
    const first = delivery([attempt(1, '2026-11-22T10:00:00.000Z')]);
    const later = delivery([...first.attempts, attempt(2, '2026-11-22T22:00:00.000Z')]);
    // Act
    const [a, b] = [webhookDeliveryItem(first).ttl, webhookDeliveryItem(later).ttl];
    // Assert
    expect(Number(b) - Number(a)).toBe(12 * 3600);
  });

  it('is put with the TTL and read back without it', async () => {
    // Arrange
    const record = delivery([attempt(1, '2026-11-22T10:00:00.000Z')]);
    ddb.on(PutCommand).resolves({});
    ddb.on(GetCommand).resolves({ Item: webhookDeliveryItem(record) });
    const store = new DynamoWebhookDeliveryStore();
    // Act
    await store.put(record);
    const read = await store.get(WEBHOOK_ID, EVENT_ID);
    // Assert
    const put = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.Item?.ttl).toBe(epoch('2026-11-22T10:00:00.000Z') + 30 * DAY);
    expect(read).toEqual(record);
  });
});
