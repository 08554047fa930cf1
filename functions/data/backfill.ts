/**
 * One-off backfill of what items recorded before docs/decisions.md §30 lack: environments
 * get their status index keys (without them they are missing from `GET
 * /environments?status=…`), stacks get their environment's owner (without it, listing
 * them takes one more read). It reads the whole table with a Scan, so it is run by hand
 * (`npm run backfill`) or by the local bootstrap when it adds the indexes to an older
 * table, never on a request path. Idempotent, and safe while the API runs: each write is
 * conditional on the item still being as it was read (a concurrent change already wrote
 * the keys itself).
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './conditions.ts';
import { environmentKeys } from './keys.ts';

export interface BackfillResult {
  scanned: number;
  environments: number;
  stacks: number;
}

type Item = Record<string, unknown>;

/** The status index attributes an environment item should have, or null if it has them all. */
function missingStatusKeys(item: Item): Record<string, string> | null {
  const { project_id, owner_id, type, status, created_at, id } = item;
  if ([project_id, owner_id, type, status, created_at, id].some((v) => typeof v !== 'string')) return null;
  const wanted: Record<string, string> = {
    ...environmentKeys.byStatus(
      { projectId: String(project_id), ownerId: String(owner_id), type: String(type) },
      String(status),
    ),
    ...environmentKeys.statusOrder(String(created_at), String(id)),
  };
  return Object.entries(wanted).every(([name, value]) => item[name] === value) ? null : wanted;
}

/** Runs a conditional update; false when its condition no longer held (the item moved on). */
async function updateIfUnchanged(
  client: DynamoDBDocumentClient,
  input: UpdateCommandInput,
): Promise<boolean> {
  try {
    await client.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function backfillKeys(client: DynamoDBDocumentClient, table: string): Promise<BackfillResult> {
  const result: BackfillResult = { scanned: 0, environments: 0, stacks: 0 };
  const owners = new Map<string, string | null>();
  /** An environment's owner (read once per environment). */
  const ownerOf = async (environmentId: string): Promise<string | null> => {
    if (!owners.has(environmentId)) {
      const found = await client.send(
        new GetCommand({
          TableName: table,
          Key: environmentKeys.item(environmentId),
          ProjectionExpression: 'owner_id',
        }),
      );
      owners.set(environmentId, typeof found.Item?.owner_id === 'string' ? found.Item.owner_id : null);
    }
    return owners.get(environmentId) ?? null;
  };
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'entity IN (:environment, :stack)',
        ExpressionAttributeValues: { ':environment': 'environment', ':stack': 'stack' },
        ExclusiveStartKey: startKey,
      }),
    );
    result.scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) {
      if (item.entity === 'stack') {
        if (typeof item.owner_id === 'string' || typeof item.environment_id !== 'string') continue;
        const owner = await ownerOf(item.environment_id);
        if (!owner) continue;
        const written = await updateIfUnchanged(client, {
          TableName: table,
          Key: { PK: item.PK, SK: item.SK },
          UpdateExpression: 'SET owner_id = :owner',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(owner_id)',
          ExpressionAttributeValues: { ':owner': owner },
        });
        if (written) result.stacks++;
        continue;
      }
      if (typeof item.id === 'string' && typeof item.owner_id === 'string')
        owners.set(item.id, item.owner_id);
      const keys = missingStatusKeys(item);
      if (!keys) continue;
      const names = Object.keys(keys);
      const written = await updateIfUnchanged(client, {
        TableName: table,
        Key: { PK: item.PK, SK: item.SK },
        UpdateExpression: `SET ${names.map((name) => `${name} = :${name}`).join(', ')}`,
        ConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((name) => [`:${name}`, keys[name]])),
          ':status': item.status,
        },
      });
      if (written) result.environments++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return result;
}
