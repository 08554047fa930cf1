/**
 * Webhooks on DynamoDB (docs/decisions.md §45): one item per webhook in its project's
 * partition (`PRJ#<project>` / `WH#<id>`), so the project's list (and the fan-out's lookup of
 * the webhooks an event goes to) is one Query, never a Scan.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors.ts';
import type { Page, PageRequest, WebhookRecord } from '../domain/model.ts';
import type { WebhookStore } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import { isConditionFailure } from './conditions.ts';
import { webhookKeys } from './keys.ts';
import { queryPage } from './pagination.ts';

type Item = Record<string, unknown>;

function toItem(webhook: WebhookRecord): Item {
  return { ...webhookKeys.item(webhook.project_id, webhook.id), entity: 'webhook', ...webhook };
}

function fromItem(item: Item): WebhookRecord {
  const { PK: _pk, SK: _sk, entity: _entity, ...record } = item;
  return record as unknown as WebhookRecord;
}

export class DynamoWebhookStore implements WebhookStore {
  async create(webhook: WebhookRecord): Promise<void> {
    await this.write(webhook, 'attribute_not_exists(PK)', `Webhook ${webhook.id} exists already`);
  }

  async put(webhook: WebhookRecord): Promise<void> {
    await this.write(webhook, 'attribute_exists(PK)', `Webhook ${webhook.id} was deleted meanwhile`);
  }

  private async write(webhook: WebhookRecord, condition: string, conflict: string): Promise<void> {
    try {
      await documentClient().send(
        new PutCommand({ TableName: tableName(), Item: toItem(webhook), ConditionExpression: condition }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError(conflict, 'CONCURRENT_MODIFICATION');
      throw error;
    }
  }

  async get(projectId: string, id: string): Promise<WebhookRecord | null> {
    const result = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: webhookKeys.item(projectId, id), ConsistentRead: true }),
    );
    return result.Item ? fromItem(result.Item) : null;
  }

  listByProject(projectId: string, page: PageRequest): Promise<Page<WebhookRecord>> {
    return queryPage(
      { partition: webhookKeys.projectPartition(projectId), sortPrefix: webhookKeys.prefix },
      page,
      fromItem,
    );
  }

  async delete(webhook: WebhookRecord): Promise<void> {
    await documentClient().send(
      new DeleteCommand({ TableName: tableName(), Key: webhookKeys.item(webhook.project_id, webhook.id) }),
    );
  }
}
