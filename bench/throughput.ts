/**
 * Local API throughput (autocannon on loopback) for `GET /environments/{id}` and the
 * environment list, against a bare `node:http` server doing the same `GetItem` and `Query`
 * on the same DynamoDB Local: the ratio is what the gateway, the authorizer, the handler
 * stack and the stores cost per request. A and B alternate, twice each.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { environmentKeys } from '../functions/data/keys.ts';
import type { BenchApi } from './local-api.ts';
import { ratio, round } from './stats.ts';

export interface ThroughputReport {
  seconds: number;
  connections: number;
  get: { apiRps: number; bareRps: number; ratio: number; errors: number };
  list: { apiRps: number; bareRps: number; ratio: number; errors: number };
}

async function load(url: string, seconds: number, connections: number, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, duration: seconds, connections, headers });
  return { rps: result.requests.average, errors: result.errors + result.non2xx };
}

/** A server with nothing but the two reads: `/env/<id>` (GetItem) and `/list/<owner>` (Query, 20 items). */
async function bareServer(api: BenchApi): Promise<Server> {
  const env = api.runtime.env;
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
  );
  const server = createServer((req, res) => {
    const [, kind, id] = (req.url ?? '').split('/');
    const read =
      kind === 'env'
        ? client.send(new GetCommand({ TableName: env.TABLE_NAME, Key: environmentKeys.item(id ?? '') }))
        : client.send(
            new QueryCommand({
              TableName: env.TABLE_NAME,
              IndexName: 'GSI2',
              KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :env)',
              ExpressionAttributeValues: { ':pk': environmentKeys.ownerPartition(id ?? ''), ':env': 'ENV#' },
              ScanIndexForward: false,
              Limit: 20,
            }),
          );
    read.then(
      (result) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

export async function measureThroughput(
  api: BenchApi,
  seconds: number,
  connections = 8,
): Promise<ThroughputReport> {
  const token = await api.login('Developers');
  const me = (await api.call('GET', '/me', { token })).body as { user_id: string };
  const projectId = await api.createProject(token, `bench-load-${Date.now()}`);
  const created = await api.createEnvironment(token, projectId, {
    name: 'load',
    type: 'persistent',
    template: 'minimal',
    account_id: '210000000003',
  });
  await api.waitForProvision(created.operationId);
  const server = await bareServer(api);
  const bare = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const auth = { authorization: `Bearer ${token}` };
  try {
    const pairs = {
      get: { api: `${api.baseUrl}/environments/${created.id}`, bare: `${bare}/env/${created.id}` },
      list: { api: `${api.baseUrl}/environments`, bare: `${bare}/list/${me.user_id}` },
    };
    const report: Partial<ThroughputReport> = { seconds, connections };
    for (const [name, urls] of Object.entries(pairs) as [
      keyof typeof pairs,
      { api: string; bare: string },
    ][]) {
      const apiRuns = [];
      const bareRuns = [];
      for (let round = 0; round < 2; round++) {
        apiRuns.push(await load(urls.api, seconds, connections, auth));
        bareRuns.push(await load(urls.bare, seconds, connections));
      }
      const apiRps = apiRuns.reduce((n, r) => n + r.rps, 0) / apiRuns.length;
      const bareRps = bareRuns.reduce((n, r) => n + r.rps, 0) / bareRuns.length;
      report[name] = {
        apiRps: round(apiRps),
        bareRps: round(bareRps),
        ratio: ratio(apiRps, bareRps),
        errors: [...apiRuns, ...bareRuns].reduce((n, r) => n + r.errors, 0),
      };
    }
    return report as ThroughputReport;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
