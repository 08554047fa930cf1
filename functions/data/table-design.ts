/**
 * The single table's physical design, shared by the CDK stateful stack and the local
 * DynamoDB bootstrap so both create exactly the same table.
 *
 * Access patterns (key builders live in `keys.ts`):
 * - base table  PK/SK          an item by id; an environment's stacks (`ENV#id` / `STACK#name`)
 * - GSI1        GSI1PK/GSI1SK  children by parent: a project's environments, an environment's operations
 * - GSI2        GSI2PK/GSI2SK  by owner: a user's projects and environments
 * - GSI3        GSI3PK/GSI3SK  all of a kind, newest first (for Administrators and ReadOnly)
 * - GSI4        GSI4PK/GSI4SK  live ephemeral environments by expiry (sparse; the TTL sweeper)
 * - GSI5        GSI5PK/GSI5SK  environments by next scheduled drift check (sparse; the sweeper)
 * - GSI6–GSI11  GSInPK/STATUSSK environments in one status, newest first (`GET /environments?status=`):
 *                              GSI6 a project's, GSI7 a project's of one type, GSI8 an owner's,
 *                              GSI9 an owner's of one type, GSI10 everyone's, GSI11 everyone's of
 *                              one type. An item has one key per index, so each of these six lists
 *                              needs its own index to be one Query with full pages. They share one
 *                              sort key attribute (`<created_at>#<id>`, fixed for life), so a status
 *                              change rewrites only their partition keys.
 * - stream                     new images; lifecycle events (`EVT#…` sort keys) are published from it
 */
export const TABLE_DESIGN = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** Epoch seconds; DynamoDB deletes the item some time after it (logs, idempotency records). */
  timeToLiveAttribute: 'ttl',
  /**
   * The table's stream (docs/decisions.md §35): new images only, read by the lifecycle event
   * publisher, which takes only inserted items whose sort key starts with `eventKeyPrefix`
   * (`eventKeys` in keys.ts): the events the stores write with the changes they report.
   */
  stream: { viewType: 'NEW_IMAGE', eventKeyPrefix: 'EVT#' },
  globalSecondaryIndexes: [
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    { indexName: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
    { indexName: 'GSI4', partitionKey: 'GSI4PK', sortKey: 'GSI4SK' },
    { indexName: 'GSI5', partitionKey: 'GSI5PK', sortKey: 'GSI5SK' },
    { indexName: 'GSI6', partitionKey: 'GSI6PK', sortKey: 'STATUSSK' },
    { indexName: 'GSI7', partitionKey: 'GSI7PK', sortKey: 'STATUSSK' },
    { indexName: 'GSI8', partitionKey: 'GSI8PK', sortKey: 'STATUSSK' },
    { indexName: 'GSI9', partitionKey: 'GSI9PK', sortKey: 'STATUSSK' },
    { indexName: 'GSI10', partitionKey: 'GSI10PK', sortKey: 'STATUSSK' },
    { indexName: 'GSI11', partitionKey: 'GSI11PK', sortKey: 'STATUSSK' },
  ],
} as const;

/**
 * Which stream records the lifecycle event publisher gets: the filter of its event source
 * mapping in AWS (lib/event-publisher.ts), applied the same way by the local poller
 * (local/runtime/event-stream.ts). New event items only; their later updates (the
 * publisher's own markers) and their expiry are not events.
 */
export const EVENT_STREAM_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { Keys: { SK: { S: [{ prefix: TABLE_DESIGN.stream.eventKeyPrefix }] } } },
};

export type IndexName = (typeof TABLE_DESIGN.globalSecondaryIndexes)[number]['indexName'];
