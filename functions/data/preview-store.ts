/**
 * Pull-request previews on DynamoDB (docs/decisions.md §46): a project's settings
 * (`PRJ#<project>` / `PVSETTINGS`) and previews (`PRJ#<project>` / `PV#<number>`, so the list is
 * one Query by number, never a Scan), and each Git host delivery (`GHDLV#<project>#<id>`, kept
 * a week through the table's TTL) claimed with a conditional put.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type {
  HookDeliveryRecord,
  Page,
  PageRequest,
  PreviewRecord,
  PreviewSettingsRecord,
} from '../domain/model.ts';
import type { PreviewStore } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import { isConditionFailure } from './conditions.ts';
import { previewKeys } from './keys.ts';
import { queryPage } from './pagination.ts';

type Item = Record<string, unknown>;

/**
 * The settings' removal, in the transaction that deletes their project (project-store.ts): the
 * Git host secret does not outlive the project (docs/decisions.md §46).
 */
export function previewSettingsRemoved(projectId: string) {
  return { Delete: { TableName: tableName(), Key: previewKeys.settings(projectId) } };
}

/** How long a delivery id is remembered (GitHub redelivers within days). */
const DELIVERY_TTL_SECONDS = 7 * 24 * 3600;

function strip<T>(item: Item): T {
  const { PK: _pk, SK: _sk, entity: _entity, ttl: _ttl, ...record } = item;
  return record as unknown as T;
}

async function getItem(Key: Record<string, string>): Promise<Item | null> {
  const result = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key, ConsistentRead: true }),
  );
  return result.Item ?? null;
}

export class DynamoPreviewStore implements PreviewStore {
  async getSettings(projectId: string): Promise<PreviewSettingsRecord | null> {
    const item = await getItem(previewKeys.settings(projectId));
    return item ? strip<PreviewSettingsRecord>(item) : null;
  }

  async putSettings(settings: PreviewSettingsRecord): Promise<void> {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...previewKeys.settings(settings.project_id), entity: 'preview-settings', ...settings },
      }),
    );
  }

  async get(projectId: string, number: number): Promise<PreviewRecord | null> {
    const item = await getItem(previewKeys.item(projectId, number));
    return item ? strip<PreviewRecord>(item) : null;
  }

  async put(preview: PreviewRecord): Promise<void> {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...previewKeys.item(preview.project_id, preview.number), entity: 'preview', ...preview },
      }),
    );
  }

  listByProject(projectId: string, page: PageRequest): Promise<Page<PreviewRecord>> {
    return queryPage(
      { partition: previewKeys.projectPartition(projectId), sortPrefix: previewKeys.prefix },
      page,
      (item) => strip<PreviewRecord>(item),
    );
  }

  async claimDelivery(projectId: string, deliveryId: string, at: string): Promise<HookDeliveryRecord | null> {
    const record: HookDeliveryRecord = {
      project_id: projectId,
      delivery_id: deliveryId,
      status: null,
      body: null,
      created_at: at,
    };
    try {
      await documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...previewKeys.delivery(projectId, deliveryId),
            entity: 'hook-delivery',
            ...record,
            ttl: Math.floor(Date.parse(at) / 1000) + DELIVERY_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return null;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const old = await getItem(previewKeys.delivery(projectId, deliveryId));
      // Released in between (the first attempt failed): this one may go ahead next time.
      if (!old) throw error;
      return strip<HookDeliveryRecord>(old);
    }
  }

  async finishDelivery(delivery: HookDeliveryRecord): Promise<void> {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...previewKeys.delivery(delivery.project_id, delivery.delivery_id),
          entity: 'hook-delivery',
          ...delivery,
          ttl: Math.floor(Date.parse(delivery.created_at) / 1000) + DELIVERY_TTL_SECONDS,
        },
      }),
    );
  }

  async releaseDelivery(projectId: string, deliveryId: string): Promise<void> {
    await documentClient().send(
      new DeleteCommand({ TableName: tableName(), Key: previewKeys.delivery(projectId, deliveryId) }),
    );
  }
}
