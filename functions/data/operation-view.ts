/**
 * The operation's copy of its view (what `GET /operations/{id}` reads in one GetItem, see
 * `operationToItem` in items.ts and docs/decisions.md §30): each workflow write that changes
 * a stack's status or the environment's progress adds `viewUpdate` to its own transaction,
 * so the copy can never disagree with the records it mirrors.
 */
import type { StackRecord } from '../domain/model.ts';
import { tableName } from './client.ts';
import type { TransactItems } from './conditions.ts';
import { stackStatusAttribute } from './items.ts';
import { operationKeys } from './keys.ts';

type StackStatusValue = StackRecord['status'];

/** What changes on the operation's copy of its view. */
export interface ViewChange {
  /** New statuses of stacks. */
  statuses?: Record<string, StackStatusValue>;
  /** Progress attributes to set (`progress_layer`, `progress_layers`, `progress_stacks`). */
  progress?: Record<string, number>;
  /** A stack to count as done. */
  done?: string;
}

/**
 * The update of the operation item's view, in the transaction of the change it mirrors. It
 * needs no condition of its own (the claim holds the operation too), only that the item is
 * there, so a mistaken key cannot create a stray one.
 */
export function viewUpdate(operationId: string, change: ViewChange): TransactItems[number] {
  const sets: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  Object.entries(change.statuses ?? {}).forEach(([stack, status], i) => {
    sets.push(`#view${i} = :view${i}`);
    names[`#view${i}`] = stackStatusAttribute(stack);
    values[`:view${i}`] = status;
  });
  for (const [name, value] of Object.entries(change.progress ?? {})) {
    sets.push(`${name} = :${name}`);
    values[`:${name}`] = value;
  }
  const clauses = [sets.length > 0 ? `SET ${sets.join(', ')}` : ''];
  if (change.done) {
    clauses.push('ADD done_stacks :done');
    values[':done'] = new Set([change.done]);
  }
  return {
    Update: {
      TableName: tableName(),
      Key: operationKeys.item(operationId),
      UpdateExpression: clauses.filter(Boolean).join(' '),
      ConditionExpression: 'attribute_exists(PK)',
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    },
  };
}
