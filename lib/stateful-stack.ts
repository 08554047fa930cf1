/**
 * The stateful stack: the single DynamoDB table and nothing else, so the stateless
 * stack (API, functions, workflows, user pool) can be destroyed and redeployed freely
 * without putting data at risk.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLE_DESIGN } from '../functions/data/table-design.ts';

/** The table, on demand, with point-in-time recovery and a stream of new images, retained and deletion-protected. */
export class StatefulStack extends Stack {
  /** The single table (design in `functions/data/table-design.ts`). */
  readonly table: Table;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_DESIGN.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_DESIGN.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: TABLE_DESIGN.timeToLiveAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Lifecycle events are published from it (docs/decisions.md §35; lib/event-publisher.ts).
      stream: StreamViewType[TABLE_DESIGN.stream.viewType],
    });
    // CloudFormation creates at most one index on an existing table per update; see indexCount.
    for (const index of TABLE_DESIGN.globalSecondaryIndexes.slice(0, indexCount(this))) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The single table' });
  }
}

/**
 * `cdk deploy -c tableIndexes=<n>` builds only the first n indexes of the design, so a table
 * deployed before newer ones were added can be brought up to date one deploy (one index) at
 * a time, the only way CloudFormation allows (docs/decisions.md §30). Without it: all of them.
 */
function indexCount(scope: Construct): number {
  const all = TABLE_DESIGN.globalSecondaryIndexes.length;
  const raw: unknown = scope.node.tryGetContext('tableIndexes');
  if (raw === undefined) return all;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > all) {
    throw new Error(`Context tableIndexes must be a whole number between 1 and ${all}, got ${String(raw)}`);
  }
  return value;
}
