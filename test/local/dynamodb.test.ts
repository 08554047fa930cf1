/**
 * The local table bootstrap: a table kept under `.local/` by an older version (GSI1–GSI3
 * only) gets the indexes of the design it lacks (GSI4, the expiry index; GSI5, the drift index;
 * GSI6–GSI11, the status indexes), ACTIVE and indexing the data already there; a second run
 * changes nothing.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_DESIGN } from '../../functions/data/table-design.ts';
import { ensureTable, type LocalDynamoDb, localDynamoDbClient, startDynamoDb } from '../../local/dynamodb.ts';

let dynamodb: LocalDynamoDb;
let client: DynamoDBClient;
const TABLE = 'older-table';

beforeAll(async () => {
  dynamodb = await startDynamoDb({ tableName: false });
  client = localDynamoDbClient(dynamodb.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await dynamodb?.stop();
});

const indexNames = async (): Promise<string[]> => {
  const table = await client.send(new DescribeTableCommand({ TableName: TABLE }));
  return (table.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? '').sort();
};

describe('ensureTable on an existing table', () => {
  it('adds the GSIs of the design that are missing, keeping the data', async () => {
    const older = TABLE_DESIGN.globalSecondaryIndexes.filter((index) =>
      ['GSI1', 'GSI2', 'GSI3'].includes(index.indexName),
    );
    const keys = ['PK', 'SK', ...older.flatMap((index) => [index.partitionKey, index.sortKey])];
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: older.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { PK: { S: 'ENV#1' }, SK: { S: 'META' }, GSI4PK: { S: 'EXPIRY' }, GSI4SK: { S: '2026-01-01' } },
      }),
    );
    expect(await indexNames()).toEqual(['GSI1', 'GSI2', 'GSI3']);

    await ensureTable(client, TABLE);

    expect(await indexNames()).toEqual([
      'GSI1',
      'GSI10',
      'GSI11',
      'GSI2',
      'GSI3',
      'GSI4',
      'GSI5',
      'GSI6',
      'GSI7',
      'GSI8',
      'GSI9',
    ]);
    const table = await client.send(new DescribeTableCommand({ TableName: TABLE }));
    const gsi4 = table.Table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'GSI4');
    expect(gsi4).toMatchObject({
      IndexStatus: 'ACTIVE',
      KeySchema: [
        { AttributeName: 'GSI4PK', KeyType: 'HASH' },
        { AttributeName: 'GSI4SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
    expect(table.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const expiring = await client.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'GSI4',
        KeyConditionExpression: 'GSI4PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'EXPIRY' } },
      }),
    );
    expect(expiring.Items?.map((item) => item.PK?.S)).toEqual(['ENV#1']);
  });

  it('changes nothing the second time', async () => {
    await ensureTable(client, TABLE);
    expect(await indexNames()).toEqual([
      'GSI1',
      'GSI10',
      'GSI11',
      'GSI2',
      'GSI3',
      'GSI4',
      'GSI5',
      'GSI6',
      'GSI7',
      'GSI8',
      'GSI9',
    ]);
  });
});
