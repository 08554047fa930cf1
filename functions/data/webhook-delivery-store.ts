/**
 * Webhook deliveries on DynamoDB (docs/decisions.md §45): one item per (webhook, message) in
 * the webhook's partition (`WH#<webhook>` / `DLV#<message id>`), its attempts inside it. Each
 * put sets the table's TTL attribute to 30 days after the last attempt
 * (`WEBHOOK_DELIVERY_RETENTION_DAYS`): DynamoDB then removes it, also after its webhook is deleted.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest, WebhookDeliveryRecord } from '../domain/model.ts';
import type { WebhookDeliveryStore } from '../domain/ports.ts';
import { webhookDeliveryExpiresAt } from '../domain/webhook-rules.ts';
import { documentClient, tableName } from './client.ts';
import { webhookDeliveryKeys } from './keys.ts';
import { queryPage } from './pagination.ts';
import { TABLE_DESIGN } from './table-design.ts';

type Item = Record<string, unknown>;

function fromItem(item: Item): WebhookDeliveryRecord {
  const { PK: _pk, SK: _sk, entity: _entity, ...record } = item;
  delete record[TABLE_DESIGN.timeToLiveAttribute];
  return record as unknown as WebhookDeliveryRecord;
}

/** A delivery's item: its keys, the record, and its expiry (the table's TTL attribute). */
export function webhookDeliveryItem(delivery: WebhookDeliveryRecord): Item {
  return {
    ...webhookDeliveryKeys.item(delivery.webhook_id, delivery.id),
    entity: 'webhook_delivery',
    ...delivery,
    [TABLE_DESIGN.timeToLiveAttribute]: webhookDeliveryExpiresAt(delivery),
  };
}

export class DynamoWebhookDeliveryStore implements WebhookDeliveryStore {
  async get(webhookId: string, id: string): Promise<WebhookDeliveryRecord | null> {
    const result = await documentClient().send(
      new GetCommand({
        TableName: tableName(),
        Key: webhookDeliveryKeys.item(webhookId, id),
        ConsistentRead: true,
      }),
    );
    return result.Item ? fromItem(result.Item) : null;
  }

  async put(delivery: WebhookDeliveryRecord): Promise<void> {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: webhookDeliveryItem(delivery),
      }),
    );
  }

  listByWebhook(webhookId: string, page: PageRequest): Promise<Page<WebhookDeliveryRecord>> {
    return queryPage(
      { partition: webhookDeliveryKeys.partition(webhookId), sortPrefix: webhookDeliveryKeys.prefix },
      page,
      fromItem,
    );
  }
}
