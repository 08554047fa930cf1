/**
 * Where a watch reads a run from. For now it polls GET /operations/{id} (or
 * GET /deployments/{id}) about once a second and yields each snapshot until the run ends; the
 * SSE routes (`…/stream`, another branch) can replace this module without touching the views.
 */
import { type Api, unwrap } from '../api/client.ts';
import type { components } from '../api/schema.ts';

export type Operation = components['schemas']['Operation'];
export type Deployment = components['schemas']['Deployment'];

export type Run = { kind: 'operation'; id: string } | { kind: 'deployment'; id: string };

export type Snapshot =
  | { kind: 'operation'; run: Operation; done: boolean }
  | { kind: 'deployment'; run: Deployment; done: boolean };

const deploymentEnded = new Set(['succeeded', 'failed', 'rolled_back', 'cancelled']);

export async function* snapshots(api: Api, run: Run, intervalMs = 1000): AsyncGenerator<Snapshot> {
  for (;;) {
    const snapshot: Snapshot =
      run.kind === 'operation' ? await operationSnapshot(api, run.id) : await deploymentSnapshot(api, run.id);
    yield snapshot;
    if (snapshot.done) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function operationSnapshot(api: Api, id: string): Promise<Snapshot> {
  const op = unwrap(await api.GET('/operations/{op_id}', { params: { path: { op_id: id } } }));
  return { kind: 'operation', run: op, done: op.status !== 'running' };
}

async function deploymentSnapshot(api: Api, id: string): Promise<Snapshot> {
  const dep = unwrap(
    await api.GET('/deployments/{deployment_id}', { params: { path: { deployment_id: id } } }),
  );
  return { kind: 'deployment', run: dep, done: deploymentEnded.has(dep.status) };
}
