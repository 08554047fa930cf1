/**
 * The state machines: ASL read from the repository (or given), with its `${Placeholder}`s
 * substituted as CDK does, validated, and each Task state wired to its in-process Lambda.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { STATE_MACHINES, STEP_GROUP_NAMES, stepPlaceholder } from '../../functions/steps/step-list.ts';
import type { Overrides, StateMachineSource, TaskHandlers } from './api.ts';
import { functionArn, LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN, type LambdaTasks } from './lambda-tasks.ts';
import { HEARTBEAT_SECONDS_KEY, TIMEOUT_SECONDS_KEY } from './task-tokens.ts';

/**
 * The task timeout the library enforces on a callback task: the longest `setTimeout` can
 * wait. The stand-in enforces the state's own `TimeoutSeconds` itself (task-tokens.ts).
 */
const LIBRARY_CALLBACK_TIMEOUT_SECONDS = 2_147_483;

interface AslState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  Parameters?: unknown;
  States?: Record<string, AslState>;
  ItemProcessor?: { States: Record<string, AslState> };
  Iterator?: { States: Record<string, AslState> };
  Branches?: { States: Record<string, AslState> }[];
}

/** A state machine as served: its ASL (substituted), its runner, and the overrides every run uses. */
export interface LoadedStateMachine {
  name: string;
  arn: string;
  definitionText: string;
  machine: StateMachine;
  overrides: Overrides;
  creationDate: Date;
  /** The role its executions run as (`$$.Execution.RoleArn`, DescribeStateMachine). */
  roleArn: string;
  /** The ARN of its execution named `name`. */
  executionArn(name: string): string;
  /** Its callback (`.waitForTaskToken`) Task states, by name, with their own timeouts. */
  callbackTasks: ReadonlyMap<string, CallbackTask>;
}

/**
 * A callback Task state's `TimeoutSeconds` and `HeartbeatSeconds` (undefined when absent or
 * given by a path: then its Parameters carry the value, see {@link takeCallbackTask}).
 */
export interface CallbackTask {
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

/**
 * Takes a callback Task state's timeouts out of the library's hands: aws-local-stepfunctions
 * would time every task out after its `TimeoutSeconds` or 60 s (AWS's default is 99,999,999 s)
 * and knows no heartbeat. Its copy of the state gets the longest timer instead; the
 * served definition text is unchanged. A `TimeoutSecondsPath` / `HeartbeatSecondsPath`
 * becomes an extra field of the copy's Parameters, which the library evaluates on the
 * state's input (after InputPath) and the engine takes out again before Lambda sees it.
 */
function takeCallbackTask(machineName: string, stateName: string, state: AslState): CallbackTask {
  const task: CallbackTask = {};
  if (state.TimeoutSeconds !== undefined) task.timeoutSeconds = state.TimeoutSeconds;
  if (state.HeartbeatSeconds !== undefined) task.heartbeatSeconds = state.HeartbeatSeconds;
  const paths: Record<string, string> = {};
  if (state.TimeoutSecondsPath !== undefined) paths[`${TIMEOUT_SECONDS_KEY}.$`] = state.TimeoutSecondsPath;
  if (state.HeartbeatSecondsPath !== undefined)
    paths[`${HEARTBEAT_SECONDS_KEY}.$`] = state.HeartbeatSecondsPath;
  if (Object.keys(paths).length > 0) {
    if (
      typeof state.Parameters !== 'object' ||
      state.Parameters === null ||
      Array.isArray(state.Parameters)
    ) {
      throw new Error(
        `State machine ${machineName}: state ${stateName}: a .waitForTaskToken task with TimeoutSecondsPath/HeartbeatSecondsPath needs Parameters (an object)`,
      );
    }
    Object.assign(state.Parameters, paths);
  }
  state.TimeoutSeconds = LIBRARY_CALLBACK_TIMEOUT_SECONDS;
  delete state.TimeoutSecondsPath;
  delete state.HeartbeatSeconds;
  delete state.HeartbeatSecondsPath;
  return task;
}

/** Every state of a definition, nested ones included (state names are unique machine-wide in ASL). */
function collectStates(states: Record<string, AslState>, into: Map<string, AslState>): Map<string, AslState> {
  for (const [name, state] of Object.entries(states)) {
    if (into.has(name)) {
      throw new Error(`State name "${name}" is used twice; ASL requires unique state names`);
    }
    into.set(name, state);
    const nested = [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])];
    for (const processor of nested) {
      if (processor) {
        collectStates(processor.States, into);
      }
    }
  }
  return into;
}

/** What {@link loadStateMachines} needs to know. */
export interface StateMachinesOptions {
  region: string;
  accountId: string;
  /** The definitions to serve; default: `STATE_MACHINES`, each from `<statemachinesDir>/<name>.asl.json`. */
  stateMachines?: StateMachineSource[];
  statemachinesDir: string;
  /** Extra `${Placeholder}` values, besides each step function's `${XxxFunctionArn}`. */
  substitutions?: Record<string, string>;
  /** The override of each Task state. */
  taskHandler: LambdaTasks['taskHandler'];
  /** Every Wait state sleeps this many milliseconds instead. */
  waitOverrideMs?: number;
  /** Every Retry pauses this many milliseconds. */
  retryIntervalOverrideMs?: number;
}

/** Loads the state machines to serve, by ARN; throws on a missing placeholder or an invalid definition. */
export async function loadStateMachines(
  options: StateMachinesOptions,
): Promise<Map<string, LoadedStateMachine>> {
  const { region, accountId, statemachinesDir, taskHandler } = options;
  const substitutions: Record<string, string> = {};
  for (const group of STEP_GROUP_NAMES) {
    substitutions[stepPlaceholder(group)] = functionArn(options, group);
  }
  Object.assign(substitutions, options.substitutions);

  const sources: StateMachineSource[] =
    options.stateMachines ??
    (await Promise.all(
      STATE_MACHINES.map(async (sm) => ({
        name: sm.name,
        definition: await readFile(join(statemachinesDir, `${sm.name}.asl.json`), 'utf8'),
      })),
    ));

  const machines = new Map<string, LoadedStateMachine>();
  for (const source of sources) {
    const raw = typeof source.definition === 'string' ? source.definition : JSON.stringify(source.definition);
    const missing = new Set<string>();
    // The same substitution CDK's `definitionSubstitutions` performs.
    const text = raw.replace(/\$\{([^}]+)\}/g, (match, key: string) => {
      const value = substitutions[key];
      if (value === undefined) {
        missing.add(key);
        return match;
      }
      return value;
    });
    if (missing.size > 0) {
      throw new Error(`State machine ${source.name}: no value for placeholder(s) ${[...missing].join(', ')}`);
    }
    const definition = JSON.parse(text) as StateMachineDefinition & { States: Record<string, AslState> };
    // Validates the definition (aws-local-stepfunctions runs asl-validator with ARN and path checks).
    const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
    const taskResourceLocalHandlers: TaskHandlers = {};
    const waitTimeOverrides: Record<string, number> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    const callbackTasks = new Map<string, CallbackTask>();
    for (const [stateName, state] of collectStates(definition.States, new Map())) {
      if (state.Type === 'Task') {
        taskResourceLocalHandlers[stateName] = taskHandler(stateName, state.Resource ?? '');
        if (state.Resource === LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN) {
          callbackTasks.set(stateName, takeCallbackTask(source.name, stateName, state));
        }
      }
      if (state.Type === 'Wait' && options.waitOverrideMs !== undefined) {
        waitTimeOverrides[stateName] = options.waitOverrideMs;
      }
      if (options.retryIntervalOverrideMs !== undefined) {
        retryIntervalOverrides[stateName] = options.retryIntervalOverrideMs;
      }
    }
    const arn = `arn:aws:states:${region}:${accountId}:stateMachine:${source.name}`;
    machines.set(arn, {
      name: source.name,
      arn,
      definitionText: text,
      machine,
      overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
      creationDate: new Date(),
      roleArn: `arn:aws:iam::${accountId}:role/local-stepfunctions`,
      executionArn: (name) => `arn:aws:states:${region}:${accountId}:execution:${source.name}:${name}`,
      callbackTasks,
    });
  }
  return machines;
}
