/**
 * `npm run backfill`: gives items recorded before the status indexes and the stacks' owners
 * (docs/decisions.md §30) what they lack. Run it once, by hand, after deploying them:
 * TABLE_NAME (and AWS_REGION, credentials, or DYNAMODB_ENDPOINT for a local table) say where.
 */
import { backfillKeys } from '../functions/data/backfill.ts';
import { documentClient, tableName } from '../functions/data/client.ts';

const table = tableName();
const result = await backfillKeys(documentClient(), table);
console.log(
  `${table}: scanned ${result.scanned} items; gave ${result.environments} environment(s) their status index keys and ${result.stacks} stack(s) their owner`,
);
