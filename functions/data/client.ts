/**
 * The stores' DynamoDB access: the one document client, created once per container on
 * first use and traced like every SDK client (see `shared/clients.ts`), and the table's
 * name from configuration.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../shared/clients.ts';
import { tableConfig } from '../shared/config.ts';
import { tracer } from '../shared/tracer.ts';

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
