/**
 * The stores' DynamoDB access: the one document client, created once per container on
 * first use and traced like every SDK client (see `platform/clients.ts`), and the table's
 * name from configuration.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../platform/clients.ts';
import { tableConfig } from '../platform/config.ts';
import { tracer } from '../platform/tracer.ts';

let client: DynamoDBDocumentClient | undefined;

/** The document client (undefined attributes dropped, empty strings kept). */
export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(
    tracer.captureAWSv3Client(new DynamoDBClient(clientConfig(tableConfig().DYNAMODB_ENDPOINT))),
    { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false } },
  );
  return client;
}

export function tableName(): string {
  return tableConfig().TABLE_NAME;
}
