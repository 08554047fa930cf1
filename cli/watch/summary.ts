/** After a watch: a summary (text mode) and exit code 5 when the run failed or was cancelled. */
import { type Api, unwrap } from '../api/client.ts';
import { CliError, exitCodes } from '../errors.ts';
import { note } from '../output.ts';
import type { Snapshot } from './source.ts';

/** Operation kinds after which the environment's outputs are worth showing. */
const showsOutputs = new Set(['provision', 'update', 'start']);

export async function finish(api: Api, snapshot: Snapshot, output: 'text' | 'json'): Promise<void> {
  const { run } = snapshot;
  if (output === 'text') {
    const failed =
      snapshot.kind === 'operation' ? snapshot.run.stacks.filter((s) => s.status === 'failed') : [];
    const lines = [`${snapshot.kind} ${run.id}: ${run.status}`];
    if (failed.length > 0) lines.push(`failed stacks: ${failed.map((s) => s.name).join(', ')}`);
    if (run.error) lines.push(`error: ${run.error}`);
    if (snapshot.kind === 'operation' && run.status === 'succeeded' && showsOutputs.has(snapshot.run.kind)) {
      lines.push(...(await outputLines(api, snapshot.run.environment_id)));
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (run.status !== 'succeeded') {
    throw new CliError(`The ${snapshot.kind} ended ${run.status}`, exitCodes.runFailed);
  }
}

async function outputLines(api: Api, env_id: string): Promise<string[]> {
  const { outputs } = unwrap(
    await api.GET('/environments/{env_id}/outputs', { params: { path: { env_id } } }),
  );
  const lines = Object.entries(outputs).flatMap(([stack, values]) =>
    Object.entries(values).map(
      ([key, value]) => `  ${stack}.${key} = ${typeof value === 'string' ? value : JSON.stringify(value)}`,
    ),
  );
  return lines.length > 0 ? ['outputs:', ...lines] : [];
}

/** Ctrl-C during a watch detaches: the run goes on. */
export function detachOnInterrupt(runId: string): void {
  process.once('SIGINT', () => {
    note(`\nDetached; ${runId} goes on. Follow it again with: envctl ops get ${runId} --watch`);
    process.exit(exitCodes.interrupted);
  });
}
