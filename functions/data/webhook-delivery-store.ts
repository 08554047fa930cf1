/**
 * Webhook deliveries on DynamoDB (docs/decisions.md §45): one item per (webhook, message) in
 * the webhook's partition (`WH#<webhook>` / `DLV#<message id>`), its attempts inside it.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest, WebhookDeliveryRecord } from '../domain/model.ts';
import type { WebhookDeliveryStore } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import { webhookDeliveryKeys } from './keys.ts';
import { queryPage } from './pagination.ts';

type Item = Record<string, unknown>;

function fromItem(item: Item): WebhookDeliveryRecord {
  const { PK: _pk, SK: _sk, entity: _entity, ...record } = item;
  return record as unknown as WebhookDeliveryRecord;
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
        Item: {
          ...webhookDeliveryKeys.item(delivery.webhook_id, delivery.id),
          entity: 'webhook_delivery',
          ...delivery,
        },
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
