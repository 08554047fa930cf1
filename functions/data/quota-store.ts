/**
 * Quota counters on DynamoDB: read side. The VPC counter of an account and region is
 * maintained transactionally with environment creation and destruction (see
 * environment-store.ts); this module only reads it.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client.ts';
import { quotaKeys } from './keys.ts';

/** How many VPCs are in use in this account and region (no counter yet means 0). */
export async function getVpcUsage(accountId: string, region: string): Promise<number> {
  const result = await documentClient().send(
    new GetCommand({
      TableName: tableName(),
      Key: quotaKeys.vpc(accountId, region),
      ProjectionExpression: '#used',
      ExpressionAttributeNames: { '#used': 'used' },
      ConsistentRead: true,
    }),
  );
  const used = result.Item?.used;
  return typeof used === 'number' && Number.isFinite(used) ? Math.max(0, Math.trunc(used)) : 0;
}
