/**
 * Recognising failed conditions, and sending transactions. Repositories translate these
 * into domain errors; nothing above `functions/data` sees a DynamoDB exception.
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransientStoreError } from '../domain/errors.ts';
import { documentClient } from './client.ts';

/** The items of one transaction. */
export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** Cancellation reasons that mean "collided or throttled, nothing was written: try again". */
const TRANSIENT_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/** A single write's condition did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * For a cancelled transaction, the reason code of each item in order
 * (`ConditionalCheckFailed`, `None`, …); `null` for any other error.
 */
export function cancellationReasons(error: unknown): string[] | null {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return null;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  if (reasons) return reasons.map((r) => r.Code ?? 'None');
  // Some DynamoDB implementations only list the codes in the message: "… [ConditionalCheckFailed, None]".
  const listed = /\[([A-Za-z, ]+)\]\s*$/.exec(error.message)?.[1];
  return listed ? listed.split(',').map((code) => code.trim()) : [];
}

/** True when the transaction failed because item `index`'s condition did not hold. */
export function conditionFailedAt(reasons: string[] | null, index: number): boolean {
  return reasons?.[index] === 'ConditionalCheckFailed';
}

/**
 * Sends a transaction. The SDK does not retry cancelled transactions, so a collision
 * with a concurrent write becomes a `TransientStoreError` (retried by callers and the
 * state machines); a failed condition is rethrown for the caller to translate.
 */
export async function transactWrite(
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<void> {
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const reasons = cancellationReasons(error);
    const collided =
      reasons?.some((code) => TRANSIENT_REASONS.has(code)) && !reasons.includes('ConditionalCheckFailed');
    if (collided || (error instanceof Error && error.name === 'TransactionInProgressException')) {
      throw new TransientStoreError();
    }
    throw error;
  }
}
