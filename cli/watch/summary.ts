/** After a watch: a summary (text mode) and exit code 5 when the run failed or was cancelled. */
import { CliError, exitCodes } from '../errors.ts';
import { note } from '../output.ts';
import type { Snapshot } from './source.ts';

export function finish(snapshot: Snapshot, output: 'text' | 'json'): void {
  const { run } = snapshot;
  if (output === 'text') {
    const failed =
      snapshot.kind === 'operation' ? snapshot.run.stacks.filter((s) => s.status === 'failed') : [];
    const lines = [`${snapshot.kind} ${run.id}: ${run.status}`];
    if (failed.length > 0) lines.push(`failed stacks: ${failed.map((s) => s.name).join(', ')}`);
    if (run.error) lines.push(`error: ${run.error}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (run.status !== 'succeeded') {
    throw new CliError(`The ${snapshot.kind} ended ${run.status}`, exitCodes.runFailed);
  }
}

/** Ctrl-C during a watch detaches: the run goes on. */
export function detachOnInterrupt(runId: string): void {
  process.once('SIGINT', () => {
    note(`\nDetached; ${runId} goes on. Follow it again with: envctl ops get ${runId} --watch`);
    process.exit(exitCodes.interrupted);
  });
}
