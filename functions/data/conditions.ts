/**
 * Recognising failed conditions. Repositories translate these into domain errors;
 * nothing above `functions/data` sees a DynamoDB exception.
 */

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
