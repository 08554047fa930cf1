/**
 * Quota counters on DynamoDB. The VPC counter of an account and region (`used`, no item
 * meaning 0) moves only inside the transactions that create and destroy environments:
 * this module gives them their part (`vpcTaken`, `vpcReleased`) and reads the counter.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { QuotaStore } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import type { TransactItems } from './conditions.ts';
import { quotaKeys } from './keys.ts';

type TransactItem = TransactItems[number];

/**
 * One VPC more in the account and region, in the transaction that records an environment
 * with a `network` stack: conditional on the limit, so concurrent creates can never exceed it.
 */
export function vpcTaken(accountId: string, region: string, limit: number): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: quotaKeys.vpc(accountId, region),
      UpdateExpression: 'ADD used :one',
      ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
      ExpressionAttributeValues: { ':one': 1, ':limit': limit },
    },
  };
}

/** One VPC less, in the transaction that ends the destroy of an environment that counted one. */
export function vpcReleased(accountId: string, region: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: quotaKeys.vpc(accountId, region),
      UpdateExpression: 'ADD used :minus',
      ConditionExpression: 'used > :zero',
      ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
    },
  };
}

export class DynamoQuotaStore implements QuotaStore {
  async vpcUsage(accountId: string, region: string): Promise<number> {
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
}
