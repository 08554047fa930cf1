/**
 * The stores' DynamoDB access: the one document client (created once per container, see
 * `shared/clients.ts`) and the table's name from configuration.
 */
import { dynamoDb } from '../shared/clients.ts';
import { tableConfig } from '../shared/config.ts';

export const documentClient = dynamoDb;

export function tableName(): string {
  return tableConfig().TABLE_NAME;
}
