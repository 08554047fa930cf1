/**
 * Record ↔ item mapping. Items carry the record's fields as they are (snake_case, the
 * API's names) plus their keys and an `entity` tag. An environment's progress is kept
 * in separate attributes so the workflow can update it with small atomic writes
 * (`done_stacks` is a string set, which makes counting a finished stack idempotent).
 */

import type {
  EnvironmentRecord,
  OperationRecord,
  Progress,
  ProjectRecord,
  StackRecord,
} from '../domain/model.ts';
import type { StoredOperationView } from '../domain/ports.ts';
import type { StackStatusValue } from '../domain/vocabulary.ts';
import { environmentKeys, operationKeys, projectKeys, stackKeys } from './keys.ts';

type Item = Record<string, unknown>;

const KEY_ATTRIBUTES = [
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'GSI4PK',
  'GSI4SK',
  'GSI5PK',
  'GSI5SK',
  'GSI6PK',
  'GSI7PK',
  'GSI8PK',
  'GSI9PK',
  'GSI10PK',
  'GSI11PK',
  'STATUSSK',
  'entity',
  'ttl',
];

function strip(item: Item, extra: string[] = []): Item {
  const copy: Item = { ...item };
  for (const key of [...KEY_ATTRIBUTES, ...extra]) delete copy[key];
  return copy;
}

export function projectToItem(project: ProjectRecord): Item {
  return {
    ...projectKeys.item(project.id),
    ...projectKeys.byOwner(project.owner_id, project.created_at, project.id),
    ...projectKeys.all(project.created_at, project.id),
    entity: 'project',
    ...project,
  };
}

export function projectFromItem(item: Item): ProjectRecord {
  return strip(item) as unknown as ProjectRecord;
}

const PROGRESS_ATTRIBUTES = ['progress_layer', 'progress_layers', 'progress_stacks', 'done_stacks'];

export function environmentToItem(environment: EnvironmentRecord): Item {
  const { progress, ...rest } = environment;
  return {
    ...environmentKeys.item(environment.id),
    ...environmentKeys.byProject(environment.project_id, environment.created_at, environment.id),
    ...environmentKeys.byOwner(environment.owner_id, environment.created_at, environment.id),
    ...environmentKeys.all(environment.created_at, environment.id),
    ...environmentKeys.byStatus(
      { projectId: environment.project_id, ownerId: environment.owner_id, type: environment.type },
      environment.status,
    ),
    ...environmentKeys.statusOrder(environment.created_at, environment.id),
    ...(environment.expires_at && environment.status !== 'destroyed'
      ? environmentKeys.expiry(environment.expires_at, environment.id)
      : {}),
    ...(environment.next_drift_check_at && environment.status !== 'destroyed'
      ? environmentKeys.driftCheck(environment.next_drift_check_at, environment.id)
      : {}),
    entity: 'environment',
    ...rest,
    progress_layer: progress.layer,
    progress_layers: progress.layers,
    progress_stacks: progress.stacks,
  };
}

/** Progress as the workflow keeps it on an item (on the environment, and its copy on the operation). */
function progressFromItem(item: Item): Progress {
  const done = item.done_stacks;
  return {
    layer: Number(item.progress_layer ?? 0),
    layers: Number(item.progress_layers ?? 0),
    stacks_done: done instanceof Set ? done.size : 0,
    stacks: Number(item.progress_stacks ?? 0),
  };
}

export function environmentFromItem(item: Item): EnvironmentRecord {
  const record = strip(item, PROGRESS_ATTRIBUTES) as unknown as Omit<EnvironmentRecord, 'progress'>;
  return { ...record, progress: progressFromItem(item) };
}

/**
 * A stack item also names its environment's owner (never changes), so an environment's
 * stacks can be listed, and checked against the caller, in one read.
 */
export function stackToItem(stack: StackRecord, ownerId: string): Item {
  return {
    ...stackKeys.item(stack.environment_id, stack.name),
    entity: 'stack',
    ...stack,
    owner_id: ownerId,
  };
}

export function stackFromItem(item: Item): StackRecord {
  return strip(item, ['owner_id']) as unknown as StackRecord;
}

/** The owner a stack item names; null for an item recorded before stacks named it. */
export function stackOwner(item: Item): string | null {
  return typeof item.owner_id === 'string' ? item.owner_id : null;
}

/**
 * What an operation item keeps beside its record so that `GET /operations/{id}` is one read
 * (docs/decisions.md §30): the environment's owner, the stacks the operation is about (name →
 * layer), each one's status (`stack_status#<name>`) and, while it runs, a copy of the
 * environment's progress (the same attributes as on the environment). The workflow's writes
 * keep the copy in the same transactions as the records it mirrors. Statuses are top-level
 * attributes, not a map, because a map entry cannot be set on an item that has no map yet
 * (an operation recorded before this existed, still running when it was deployed).
 */
// `approval_token` is the waiting task's token (Step Functions'): the workflow's, never the API's.
const VIEW_ATTRIBUTES = ['owner_id', 'view_stacks', 'approval_token', ...PROGRESS_ATTRIBUTES];
export const STACK_STATUS_PREFIX = 'stack_status#';

/** The attribute holding one stack's status on its operation's item. */
export function stackStatusAttribute(stack: string): string {
  return `${STACK_STATUS_PREFIX}${stack}`;
}

/** An operation, and what its view starts from: the environment's owner and the stacks it is about. */
export function operationToItem(
  operation: OperationRecord,
  view: { ownerId: string; stacks: Pick<StackRecord, 'name' | 'layer' | 'status'>[] },
): Item {
  return {
    ...operationKeys.item(operation.id),
    ...operationKeys.byEnvironment(operation.environment_id, operation.started_at, operation.id),
    entity: 'operation',
    ...operation,
    owner_id: view.ownerId,
    view_stacks: Object.fromEntries(view.stacks.map((s) => [s.name, s.layer])),
    ...Object.fromEntries(view.stacks.map((s) => [stackStatusAttribute(s.name), s.status])),
    progress_layer: operation.progress.layer,
    progress_layers: operation.progress.layers,
    progress_stacks: operation.progress.stacks,
  };
}

export function operationFromItem(item: Item): OperationRecord {
  const view = Object.keys(item).filter((name) => name.startsWith(STACK_STATUS_PREFIX));
  return strip(item, [...VIEW_ATTRIBUTES, ...view]) as unknown as OperationRecord;
}

/**
 * The view an operation item keeps (see above); null for an item recorded before it did,
 * or missing a stack's status.
 */
export function operationViewFromItem(item: Item): StoredOperationView | null {
  const layers = item.view_stacks;
  if (typeof item.owner_id !== 'string' || !layers || typeof layers !== 'object') return null;
  const stacks: StoredOperationView['stacks'] = [];
  for (const [name, layer] of Object.entries(layers as Record<string, unknown>)) {
    const status = item[stackStatusAttribute(name)];
    if (typeof status !== 'string') return null;
    stacks.push({ name, layer: Number(layer), status: status as StackStatusValue });
  }
  return {
    ownerId: item.owner_id,
    stacks,
    progress: progressFromItem(item),
  };
}
