/**
 * Where idempotent requests are remembered (`Idempotency-Key`, docs/decisions.md §34): the
 * Powertools Idempotency persistence layer for DynamoDB, on the single table. Powertools
 * writes the in-progress record (conditional put), the stored answer, and deletes the record
 * when the request fails; its items carry the table's TTL attribute, so DynamoDB deletes them
 * once they expire.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoDb } from '../platform/clients.ts';
import { tableName } from './client.ts';
import { idempotencyKeys } from './keys.ts';
import { TABLE_DESIGN } from './table-design.ts';

/**
 * The persistence layer of one caller's records: `PK = IDEMPOTENCY#<sub>`, `SK` the
 * hashed key. A new instance per request: Powertools keeps the key prefix and the
 * configuration on the instance, and the local runtime serves concurrent requests of
 * different routes in one process.
 */
export function idempotencyPersistence(userId: string): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName: tableName(),
    awsSdkV3Client: dynamoDb(),
    keyAttr: TABLE_DESIGN.partitionKey,
    sortKeyAttr: TABLE_DESIGN.sortKey,
    staticPkValue: idempotencyKeys.partition(userId),
    expiryAttr: TABLE_DESIGN.timeToLiveAttribute,
  });
}
