/**
 * DynamoDB calls per request for the main routes, and per stack for a `default` provision
 * (the whole create: the request and every step of its run), counted by a middleware on
 * the document client every handler and step uses (in-process in local mode). The provision's
 * count includes publishing its lifecycle events from the table's stream (counters and
 * markers, another function in AWS); the stream is drained before each request is counted,
 * so a request's count is its own.
 */
import { documentClient } from '../functions/data/client.ts';
import { countDynamoDbCalls } from '../test/support/dynamodb-calls.ts';
import type { BenchApi } from './local-api.ts';
import { round } from './stats.ts';

export interface CallsReport {
  /** Calls of each request, by route (`GET /environments/{env_id}`), and what they were. */
  routes: { route: string; calls: number; byCommand: Record<string, number> }[];
  provision: { stacks: number; calls: number; perStack: number; reads: number; writes: number };
}

/** The stacks of the `default` template. */
const DEFAULT_STACKS = 16;

export async function measureCalls(api: BenchApi, log: (line: string) => void): Promise<CallsReport> {
  const counter = countDynamoDbCalls(documentClient());
  try {
    const token = await api.login('Developers');
    const projectId = await api.createProject(token, `bench-calls-${Date.now()}`);
    const { eventStream } = api.runtime.services;
    await eventStream.drain();
    counter.reset();
    const created = await api.createEnvironment(token, projectId, {
      name: 'calls',
      type: 'persistent',
      template: 'default',
      account_id: '210000000001',
    });
    const status = await api.waitForProvision(created.operationId);
    if (status !== 'SUCCEEDED') throw new Error(`the measured provision ended ${status}`);
    await eventStream.drain();
    const provision = {
      stacks: DEFAULT_STACKS,
      calls: counter.total,
      perStack: round(counter.total / DEFAULT_STACKS, 2),
      reads: counter.reads,
      writes: counter.writes,
    };
    log(`a default provision made ${provision.calls} DynamoDB calls (${provision.perStack} a stack)`);

    const requests: [string, string, string][] = [
      ['GET /environments/{env_id}', 'GET', `/environments/${created.id}`],
      ['GET /environments', 'GET', '/environments'],
      ['GET /environments?status=running', 'GET', '/environments?status=running'],
      ['GET /environments/{env_id}/stacks', 'GET', `/environments/${created.id}/stacks`],
      ['GET /environments/{env_id}/stacks/{stack}', 'GET', `/environments/${created.id}/stacks/network`],
      ['GET /operations/{op_id}', 'GET', `/operations/${created.operationId}`],
      ['GET /environments/{env_id}/operations', 'GET', `/environments/${created.id}/operations`],
      ['GET /environments/{env_id}/logs', 'GET', `/environments/${created.id}/logs`],
      ['GET /projects', 'GET', '/projects'],
      ['GET /projects/{project_id}', 'GET', `/projects/${projectId}`],
      ['POST /projects', 'POST', '/projects'],
    ];
    const routes: CallsReport['routes'] = [];
    for (const [route, method, path] of requests) {
      await eventStream.drain();
      counter.reset();
      const answer = await api.call(method, path, {
        token,
        ...(method === 'POST' ? { body: { name: `bench-calls-${Date.now()}-2` } } : {}),
      });
      if (answer.status >= 300) throw new Error(`${route} answered ${answer.status}`);
      routes.push({ route, calls: counter.total, byCommand: { ...counter.byCommand } });
    }
    return { routes, provision };
  } finally {
    counter.stop();
  }
}
