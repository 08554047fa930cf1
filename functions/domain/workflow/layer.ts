/** `start-layer`: which of a layer's stacks may run, and the layer's record. */

import { nowIso } from '../ids.ts';
import { layerStartedLogs, logEvent, stackSkippedLogs } from '../logs.ts';
import type { LogRecord } from '../model.ts';
import type { LayerInput } from './contracts.ts';
import { actionOf } from './planning.ts';
import { claimOf, loadRunningWithStacks, type WorkflowDeps } from './run.ts';

/**
 * Decides which of a layer's stacks may run. Nothing new starts once a cancel was asked
 * for, or once a provision with `on_failure: rollback` has a failed stack. A stack whose
 * dependency did not get provisioned is skipped (an update leaves such a stack as it was,
 * on its old inputs, for a retry to pick up); a stack still needed by a dependant that
 * could not be deleted is kept (deleting it would fail in AWS too), in a rollback as well.
 * The stacks that run get their dependencies' outputs in the run context.
 */
export async function startLayer(deps: WorkflowDeps, input: LayerInput): Promise<LayerInput> {
  const { environment, operation, stacks } = await loadRunningWithStacks(deps, input);
  if (input.phase === 'walk') {
    // Cancel (1 of 3, see cancelOperation): a cancel requested with `POST /operations/{id}/cancel`
    // starts no new layer; the stacks in flight finish, and settle-operation ends the run.
    if (operation.cancel_requested) return { ...input, stacks: [] };
    const failed = stacks.some((s) => s.status === 'failed' && s.operation_id === operation.id);
    if (operation.kind === 'provision' && failed && environment.on_failure === 'rollback') {
      return { ...input, stacks: [] };
    }
  }
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const action = actionOf(operation.kind, input.phase);
  // In a rollback, the stacks that failed to create have nothing to delete: they hold nothing.
  const failedToCreate = new Set(input.failed_stacks ?? []);
  const runnable: string[] = [];
  const skipped: { stack: string; reason: string }[] = [];
  const notes: LogRecord[] = [];
  const note = (stack: string, message: string) =>
    notes.push(logEvent(environment.id, operation.id, stack, 'WARN', message, nowIso()));
  for (const name of input.stacks) {
    const stack = byName.get(name);
    if (!stack) continue;
    if (action === 'provision') {
      const missing = stack.depends_on.filter((d) => byName.get(d)?.status !== 'provisioned');
      if (missing.length > 0) {
        const reason = `depends on ${missing.join(', ')}, which did not provision`;
        if (stack.status === 'provisioned')
          note(name, `Not updated: ${reason}; it keeps its previous inputs`);
        else skipped.push({ stack: name, reason: `Skipped: ${reason}` });
        continue;
      }
    }
    if (action === 'destroy') {
      const holding = stacks.filter(
        (s) =>
          s.depends_on.includes(name) &&
          (s.status === 'provisioned' || (s.status === 'failed' && !failedToCreate.has(s.name))),
      );
      if (holding.length > 0) {
        note(name, `Kept stack ${name}: still needed by ${holding.map((s) => s.name).join(', ')}`);
        continue;
      }
    }
    runnable.push(name);
  }
  const at = nowIso();
  await deps.operations.startLayer(
    claimOf(input, operation.kind),
    { layer: input.phase === 'walk' ? input.layer : null, skipped, at },
    [
      ...skipped.flatMap((s) => stackSkippedLogs(environment.id, operation.id, s.stack, s.reason, at)),
      ...notes,
      ...(runnable.length > 0
        ? layerStartedLogs(environment.id, operation.id, input.layer, runnable, input.phase !== 'walk', at)
        : []),
    ],
  );
  if (!input.run) return { ...input, stacks: runnable };
  // Each runnable stack's dependencies are provisioned (checked above): their outputs, once each.
  const needed = new Set(
    action === 'provision' ? runnable.flatMap((n) => byName.get(n)?.depends_on ?? []) : [],
  );
  const outputs = Object.fromEntries(
    [...needed].sort().map((name) => [name, byName.get(name)?.outputs ?? {}]),
  );
  return { ...input, stacks: runnable, run: { ...input.run, outputs } };
}
