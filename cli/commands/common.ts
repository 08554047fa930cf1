/** What every command shares: the global options, a client, and following a started run. */
import type { Command } from 'commander';
import { type Api, authenticatedClient, type Globals, unwrap } from '../api/client.ts';
import type { components } from '../api/schema.ts';
import { fields, print } from '../output.ts';
import type { Run } from '../watch/source.ts';
import { detachOnInterrupt, finish } from '../watch/summary.ts';
import { watchRun } from '../watch/view.ts';

export function globals(command: Command): Globals {
  const options = command.optsWithGlobals<{ apiUrl: string; token?: string; output: 'text' | 'json' }>();
  return { apiUrl: options.apiUrl, token: options.token, output: options.output };
}

export async function session(command: Command): Promise<{ api: Api; g: Globals }> {
  const g = globals(command);
  return { api: await authenticatedClient(g), g };
}

/** An environment a change was accepted on (no operation when nothing had to change). */
type Accepted = Pick<components['schemas']['Environment'], 'id' | 'name' | 'status'> & {
  operation?: { id: string; approval?: components['schemas']['Approval'] | null } | null;
};

/** Prints an accepted change; with `watch`, follows its operation to the end (exit 5 if it fails). */
export async function accepted(api: Api, g: Globals, env: Accepted, watch: boolean): Promise<void> {
  const opId = env.operation?.id;
  const approval = env.operation?.approval;
  if (opId && approval?.status === 'pending') {
    // A protected environment: nothing happens until someone else approves.
    process.stderr.write(
      `Operation ${opId} awaits approval (${approval.reason}) until ${approval.expires_at}: ` +
        `an approver runs envctl ops approve ${opId}\n`,
    );
  }
  if (!watch || !opId) {
    print(g, env, () =>
      fields({ id: env.id, name: env.name, status: env.status, operation: opId ?? 'none' }),
    );
    return;
  }
  if (g.output === 'text') process.stdout.write(`${env.name} (${env.id}): operation ${opId}\n`);
  await follow(api, g, { kind: 'operation', id: opId });
}

export async function follow(api: Api, g: Globals, run: Run): Promise<void> {
  detachOnInterrupt(run.id);
  const last = await watchRun(api, run, g);
  await finish(api, last, g.output);
}

/**
 * `env watch`: follows the environment's run in progress — its deployment, else its latest
 * operation while that runs — or, when nothing runs, prints its status (exit 0).
 */
export async function watchEnvironment(api: Api, g: Globals, env_id: string): Promise<void> {
  const env = unwrap(await api.GET('/environments/{env_id}', { params: { path: { env_id } } }));
  let run: Run | undefined;
  let last: string | undefined;
  if (env.active_deployment_id) run = { kind: 'deployment', id: env.active_deployment_id };
  else if (env.current_operation_id) {
    const op_id = env.current_operation_id;
    const op = unwrap(await api.GET('/operations/{op_id}', { params: { path: { op_id } } }));
    if (op.status === 'running') run = { kind: 'operation', id: op.id };
    else last = `last operation ${op.id} (${op.kind}) ${op.status}`;
  }
  if (!run) {
    print(
      g,
      env,
      () => `${env.name} (${env.id}): ${env.status}; no run in progress${last ? `, ${last}` : ''}`,
    );
    return;
  }
  if (g.output === 'text') process.stdout.write(`${env.name} (${env.id}): ${run.kind} ${run.id}\n`);
  await follow(api, g, run);
}

/** `--param a.b=value` (repeatable): dotted keys nest; a value that parses as JSON is JSON. */
export function collectParam(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const at = value.indexOf('=');
  if (at <= 0) throw new Error(`--param takes key=value, got ${value}`);
  const keys = value.slice(0, at).split('.');
  const raw = value.slice(at + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Not JSON: the string itself.
  }
  let node = previous;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = parsed;
  return previous;
}
