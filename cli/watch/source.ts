/**
 * The run a watch follows and its record: read once at the start (its layers and stacks, from
 * GET /operations/{id} or GET /deployments/{id}) and once at the end (for the summary); what
 * happens in between comes from the run's stream (`stream.ts`, decisions §39).
 */
import { type Api, unwrap } from '../api/client.ts';
import type { components } from '../api/schema.ts';

export type Operation = components['schemas']['Operation'];
export type Deployment = components['schemas']['Deployment'];

export type Run = { kind: 'operation'; id: string } | { kind: 'deployment'; id: string };

export type Snapshot = { kind: 'operation'; run: Operation } | { kind: 'deployment'; run: Deployment };

/** The run's record now. */
export async function readRun(api: Api, run: Run): Promise<Snapshot> {
  if (run.kind === 'operation') {
    const op = unwrap(await api.GET('/operations/{op_id}', { params: { path: { op_id: run.id } } }));
    return { kind: 'operation', run: op };
  }
  const dep = unwrap(
    await api.GET('/deployments/{deployment_id}', { params: { path: { deployment_id: run.id } } }),
  );
  return { kind: 'deployment', run: dep };
}
