/**
 * Counts the DynamoDB calls a client makes, by operation (`GetItem`, `Query`,
 * `TransactWriteItems`, `BatchWriteItem`, …), so tests and benchmarks can pin how many
 * round trips a code path costs. Dependency-free: it only adds a middleware to the
 * client's stack.
 *
 * ```ts
 * const calls = countDynamoDbCalls(documentClient());
 * await somethingThatReadsAndWrites();
 * expect(calls.total).toBe(1);
 * expect(calls.byCommand).toEqual({ Query: 1 });
 * calls.assertNoScan();
 * calls.stop();
 * ```
 *
 * A document client (`@aws-sdk/lib-dynamodb`) shares its middleware stack with the
 * `DynamoDBClient` it wraps, so counting either counts both. Every call is counted once,
 * when it is sent (SDK retries of the same call are not counted again): the
 * middleware sits at the `initialize` step, before the retry middleware.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoDbCallCounter {
  /** Calls since the counter was created or last reset. */
  readonly total: number;
  /** Calls per DynamoDB operation, e.g. `{ Query: 2, TransactWriteItems: 1 }`. */
  readonly byCommand: Readonly<Record<string, number>>;
  /** Every call in the order it was sent (operation names). */
  readonly calls: readonly string[];
  /** Calls that only read (`GetItem`, `BatchGetItem`, `Query`, `Scan`, `TransactGetItems`). */
  readonly reads: number;
  /** Every other call (puts, updates, deletes, batch writes, transactions). */
  readonly writes: number;
  /** Starts counting from zero again. */
  reset(): void;
  /** Throws if a `Scan` was sent since the last reset. */
  assertNoScan(): void;
  /** Removes the middleware: the client is left as it was. */
  stop(): void;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

let counters = 0;

/** `GetItemCommand` → `GetItem` (the DynamoDB API's own name for the call). */
function operationName(commandName: string | undefined): string {
  return (commandName ?? 'Unknown').replace(/Command$/, '');
}

/** Starts counting the calls `client` sends (see the module comment). */
export function countDynamoDbCalls(
  client: Pick<DynamoDBDocumentClient, 'middlewareStack'>,
): DynamoDbCallCounter {
  const name = `countDynamoDbCalls-${++counters}`;
  let calls: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      calls.push(operationName(context.commandName));
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    get total() {
      return calls.length;
    },
    get byCommand() {
      const counts: Record<string, number> = {};
      for (const call of calls) counts[call] = (counts[call] ?? 0) + 1;
      return counts;
    },
    get calls() {
      return [...calls];
    },
    get reads() {
      return calls.filter((call) => READS.has(call)).length;
    },
    get writes() {
      return calls.filter((call) => !READS.has(call)).length;
    },
    reset() {
      calls = [];
    },
    assertNoScan() {
      const scans = calls.filter((call) => call === 'Scan').length;
      if (scans > 0) throw new Error(`Expected no DynamoDB Scan, but ${scans} were sent`);
    },
    stop() {
      client.middlewareStack.remove(name);
    },
  };
}
