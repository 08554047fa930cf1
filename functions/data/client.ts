/**
 * The one DynamoDB document client, created on first use and reused for the life of
 * the Lambda container. The endpoint override (DynamoDB Local) comes from configuration.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { regionConfig, tableConfig } from '../shared/config.ts';

let client: DynamoDBDocumentClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  if (!client) {
    const { DYNAMODB_ENDPOINT } = tableConfig();
    const base = new DynamoDBClient({
      region: regionConfig().AWS_REGION,
      ...(DYNAMODB_ENDPOINT ? { endpoint: DYNAMODB_ENDPOINT } : {}),
    });
    client = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    });
  }
  return client;
}

export function tableName(): string {
  return tableConfig().TABLE_NAME;
}
