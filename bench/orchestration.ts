/**
 * Orchestration time, with no simulated waits: one `default` provision alone (create to
 * the end of its run), then `concurrent` provisions started together, each in its own
 * account (so the VPC quota does not refuse any): the time per environment, and that all
 * of them ended running.
 */
import type { BenchApi } from './local-api.ts';
import { ratio, round } from './stats.ts';

export interface OrchestrationReport {
  singleMs: number;
  concurrent: number;
  concurrentTotalMs: number;
  /** Total ÷ number of environments. */
  perEnvironmentMs: number;
  /** Per environment under concurrency ÷ a provision alone. */
  perEnvironmentRatio: number;
  errors: number;
}

const account = (n: number) => String(300_000_000_000 + n);

export async function measureOrchestration(api: BenchApi, concurrent: number): Promise<OrchestrationReport> {
  const token = await api.login('Developers');
  const provision = async (projectId: string, name: string, n: number): Promise<boolean> => {
    const created = await api.createEnvironment(token, projectId, {
      name,
      type: 'persistent',
      template: 'default',
      account_id: account(n),
    });
    const status = await api.waitForProvision(created.operationId, 600_000);
    const environment = await api.call('GET', `/environments/${created.id}`, { token });
    return status === 'SUCCEEDED' && environment.body.status === 'running';
  };
  const single = await api.createProject(token, `bench-orchestration-${Date.now()}`);
  // One unmeasured run first: module loading and connections are not orchestration.
  await provision(single, 'warmup', 0);
  let started = performance.now();
  const alone = await provision(single, 'alone', 1);
  const singleMs = performance.now() - started;

  const project = await api.createProject(token, `bench-concurrent-${Date.now()}`);
  started = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: concurrent }, (_, i) => provision(project, `env-${i}`, 10 + i)),
  );
  const concurrentTotalMs = performance.now() - started;
  const errors = results.filter((r) => r.status === 'rejected' || !r.value).length + (alone ? 0 : 1);
  const perEnvironmentMs = concurrentTotalMs / concurrent;
  return {
    singleMs: round(singleMs),
    concurrent,
    concurrentTotalMs: round(concurrentTotalMs),
    perEnvironmentMs: round(perEnvironmentMs),
    perEnvironmentRatio: ratio(perEnvironmentMs, singleMs),
    errors,
  };
}
