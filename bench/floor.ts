/**
 * The floor bundle every Lambda bundle is measured against: the DynamoDB client and the
 * document client, reading one item. Anything a function carries beyond this is what its
 * own routes cost.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: { id: string }): Promise<unknown> =>
  (
    await client.send(
      new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: event.id, SK: event.id } }),
    )
  ).Item;
