/**
 * The audit trail on DynamoDB: one item per mutating request, listed newest first from
 * the "all of a kind" index (GSI3), with `since` on the sort key and the other filters
 * on the items.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditFilter, AuditRecord, Page, PageRequest } from '../domain/model.ts';
import type { AuditStore } from '../domain/ports.ts';
import { documentClient, tableName } from './client.ts';
import { auditKeys } from './keys.ts';
import { type QuerySpec, queryPage } from './pagination.ts';

const STRIPPED = ['PK', 'SK', 'GSI3PK', 'GSI3SK', 'entity'];

function fromItem(item: Record<string, unknown>): AuditRecord {
  const copy = { ...item };
  for (const key of STRIPPED) delete copy[key];
  return copy as unknown as AuditRecord;
}

export class DynamoAuditStore implements AuditStore {
  async append(entry: AuditRecord): Promise<void> {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...auditKeys.item(entry.id),
          ...auditKeys.all(entry.timestamp, entry.id),
          entity: 'audit',
          ...entry,
        },
      }),
    );
  }

  list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>> {
    const clauses: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (filter.actor) {
      clauses.push('(actor_id = :actor OR actor_email = :actor)');
      values[':actor'] = filter.actor;
    }
    if (filter.resource) {
      clauses.push('resource_id = :resource');
      values[':resource'] = filter.resource;
    }
    const spec: QuerySpec = {
      index: 'GSI3',
      partition: auditKeys.allPartition,
      newestFirst: true,
      readAhead: clauses.length > 0 ? 200 : 0,
      ...(filter.since ? { sortFrom: new Date(filter.since).toISOString() } : {}),
      ...(clauses.length > 0 ? { filter: { expression: clauses.join(' AND '), names, values } } : {}),
    };
    return queryPage(spec, page, fromItem);
  }
}
