/**
 * The stores' DynamoDB access: the one document client, created once per container on
 * first use over the traced DynamoDB client of `platform/clients.ts`, and the table's
 * name from configuration.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '../platform/clients.ts';
import { tableConfig } from '../platform/config.ts';

let client: DynamoDBDocumentClient | undefined;

/** The document client (undefined attributes dropped, empty strings kept). */
export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(dynamoDb(), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
  return client;
}

export function tableName(): string {
  return tableConfig().TABLE_NAME;
}
