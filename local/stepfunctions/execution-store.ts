/**
 * The execution records: in memory and, with a `dir`, also on disk (one JSON file per
 * execution), so that like AWS an execution outlives the process that started it: a new
 * instance on the same directory loads the old records (and re-runs the RUNNING ones, see
 * the engine's `resumeInterrupted`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type ExecutionDescription,
  type ExecutionEvent,
  type ExecutionStatus,
  StepFunctionsError,
} from './api.ts';
import type { LoadedStateMachine } from './definitions.ts';

/** An execution: what DescribeExecution reports, plus its run (see the engine's `launch`). */
export interface ExecutionRecord extends ExecutionDescription {
  machine: LoadedStateMachine;
  events: ExecutionEvent[];
  abort: () => void;
  settled: Promise<void>;
}

/** What an execution's file under `<dir>/executions/` holds (dates as ISO strings; no event log). */
interface StoredExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

const STATUSES: readonly string[] = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'ABORTED',
  'TIMED_OUT',
] satisfies ExecutionStatus[];

/**
 * The file of one execution. Not the name itself: two names may differ only in case (one
 * file on case-insensitive file systems) or hold characters some file systems refuse.
 */
function executionFileName(executionArn: string): string {
  return `${createHash('sha256').update(executionArn).digest('hex')}.json`;
}

/**
 * Writes a file so that a reader (or a crash) sees the old content or the new, never half
 * of it: a temp file in the same directory, then a rename over the target.
 */
function writeFileAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Reads a stored execution back, or undefined when the file is not one. */
function parseStoredExecution(text: string): ExecutionDescription | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const stored = value as Partial<Record<keyof StoredExecution, unknown>>;
  const optionalString = (field: unknown): boolean => field === undefined || typeof field === 'string';
  const date = (field: unknown): Date | undefined => {
    const parsed = typeof field === 'string' ? new Date(field) : undefined;
    return parsed && !Number.isNaN(parsed.getTime()) ? parsed : undefined;
  };
  const startDate = date(stored.startDate);
  const stopDate = date(stored.stopDate);
  if (
    typeof stored.executionArn !== 'string' ||
    typeof stored.stateMachineArn !== 'string' ||
    typeof stored.name !== 'string' ||
    typeof stored.status !== 'string' ||
    !STATUSES.includes(stored.status) ||
    typeof stored.input !== 'string' ||
    !startDate ||
    (stored.stopDate !== undefined && !stopDate) ||
    !optionalString(stored.output) ||
    !optionalString(stored.error) ||
    !optionalString(stored.cause)
  ) {
    return undefined;
  }
  try {
    JSON.parse(stored.input);
  } catch {
    return undefined;
  }
  const description: ExecutionDescription = {
    executionArn: stored.executionArn,
    stateMachineArn: stored.stateMachineArn,
    name: stored.name,
    status: stored.status as ExecutionStatus,
    startDate,
    input: stored.input,
  };
  if (stopDate) description.stopDate = stopDate;
  if (typeof stored.output === 'string') description.output = stored.output;
  if (typeof stored.error === 'string') description.error = stored.error;
  if (typeof stored.cause === 'string') description.cause = stored.cause;
  return description;
}

/** What DescribeExecution reports of a record (a copy: no run, no event log). */
export function describe(record: ExecutionRecord): ExecutionDescription {
  const description: ExecutionDescription = {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    input: record.input,
  };
  if (record.stopDate) description.stopDate = record.stopDate;
  if (record.output !== undefined) description.output = record.output;
  if (record.error !== undefined) description.error = record.error;
  if (record.cause !== undefined) description.cause = record.cause;
  return description;
}

/** What {@link createExecutionStore} needs to know. */
export interface ExecutionStoreOptions {
  /** Keep the records under `<dir>/executions/`; without it, in memory only. */
  dir?: string;
  /** The state machines served, by ARN: a stored execution of another one is ignored. */
  machines: ReadonlyMap<string, LoadedStateMachine>;
  /** True once the stand-in is stopped: nothing more is written. */
  isClosed: () => boolean;
  log: (line: string) => void;
}

/** The execution records of one stand-in, by ARN. */
export interface ExecutionStore {
  /** The record of an execution; throws `InvalidArn` or `ExecutionDoesNotExist` as AWS does. */
  get(executionArn: string): ExecutionRecord;
  /** The record of an execution, if there is one. */
  find(executionArn: string): ExecutionRecord | undefined;
  /** Adds a new execution: on disk first (throws if that fails, and nothing is added), then in memory. */
  add(record: ExecutionRecord): void;
  /** Writes a status change of a record; a failed write is logged, not thrown. */
  save(record: ExecutionRecord): void;
  /** Every record, in the order they were added. */
  records(): IterableIterator<ExecutionRecord>;
  /** Loads the records a previous instance left in `dir` (before the endpoint answers). */
  load(): Promise<void>;
}

export function createExecutionStore(options: ExecutionStoreOptions): ExecutionStore {
  const { machines, isClosed, log } = options;
  const executions = new Map<string, ExecutionRecord>();
  const executionsDir = options.dir === undefined ? undefined : join(resolve(options.dir), 'executions');

  /**
   * Writes an execution's record (on start and on every status change). Synchronously, so
   * StartExecution answers only once the execution is on disk, as a started execution is
   * durable in AWS, and so that the writes of one execution land in order.
   */
  const persist = (record: ExecutionRecord): void => {
    if (!executionsDir || isClosed()) return;
    const stored: StoredExecution = {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate.toISOString(),
      input: record.input,
    };
    if (record.stopDate) stored.stopDate = record.stopDate.toISOString();
    if (record.output !== undefined) stored.output = record.output;
    if (record.error !== undefined) stored.error = record.error;
    if (record.cause !== undefined) stored.cause = record.cause;
    writeFileAtomically(join(executionsDir, executionFileName(record.executionArn)), JSON.stringify(stored));
  };
  /** persist() for a status change: the change has happened in memory either way. */
  const persistQuietly = (record: ExecutionRecord): void => {
    try {
      persist(record);
    } catch (error) {
      console.error(`[stepfunctions] could not write the record of ${record.executionArn}:`, error);
    }
  };

  const load = async (): Promise<void> => {
    if (!executionsDir) return;
    await mkdir(executionsDir, { recursive: true });
    for (const entry of (await readdir(executionsDir)).sort()) {
      const file = join(executionsDir, entry);
      if (entry.endsWith('.tmp')) {
        // A write cut short (the rename never happened): the record it replaced is intact.
        await rm(file, { force: true });
        continue;
      }
      if (!entry.endsWith('.json')) continue;
      const loaded = parseStoredExecution(await readFile(file, 'utf8'));
      if (!loaded) {
        console.warn(`[stepfunctions] ignoring ${file}: not an execution record`);
        continue;
      }
      const machine = machines.get(loaded.stateMachineArn);
      if (!machine) {
        log(`ignoring the execution ${loaded.executionArn}: its state machine is not served`);
        continue;
      }
      if (loaded.executionArn !== machine.executionArn(loaded.name)) {
        console.warn(`[stepfunctions] ignoring ${file}: its ARN does not match its name`);
        continue;
      }
      executions.set(loaded.executionArn, {
        ...loaded,
        machine,
        events: [],
        abort: () => undefined,
        settled: Promise.resolve(),
      });
    }
  };

  const get = (executionArn: string): ExecutionRecord => {
    if (!/^arn:aws:states:[^:]+:\d{12}:execution:[^:]+:[^:]+$/.test(executionArn)) {
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    }
    const record = executions.get(executionArn);
    if (!record) {
      throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    return record;
  };

  return {
    get,
    find: (executionArn) => executions.get(executionArn),
    add: (record) => {
      persist(record);
      executions.set(record.executionArn, record);
    },
    save: persistQuietly,
    records: () => executions.values(),
    load,
  };
}
