/**
 * Warm overhead of the GET-environment entry point (the `environments` function's handler,
 * called in-process with the proxy event API Gateway sends) over a raw `GetItem` of the same
 * item on the same DynamoDB Local, interleaved call by call.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { environmentKeys } from '../functions/data/keys.ts';
import { lambdaContext } from '../local/lambda-context.ts';
import type { BenchApi } from './local-api.ts';
import { percentile, ratio, round } from './stats.ts';

export interface WarmReport {
  iterations: number;
  handler: { p50: number; p99: number };
  getItem: { p50: number; p99: number };
  /** Handler ÷ GetItem. */
  p50Ratio: number;
  p99Ratio: number;
  /** Handler − GetItem, milliseconds. */
  p50OverheadMs: number;
}

export async function measureWarm(api: BenchApi, iterations: number): Promise<WarmReport> {
  const token = await api.login('Developers');
  const me = (await api.call('GET', '/me', { token })).body as { user_id: string; email: string };
  const projectId = await api.createProject(token, `bench-warm-${Date.now()}`);
  const created = await api.createEnvironment(token, projectId, {
    name: 'warm',
    type: 'persistent',
    template: 'minimal',
    account_id: '210000000002',
  });
  await api.waitForProvision(created.operationId);

  // Imported once local mode has set the handlers' environment (as the gateway does).
  const { handler } = await import('../functions/api/entries/environments.ts');
  const env = api.runtime.env;
  const raw = new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const key = environmentKeys.item(created.id);
  const getItem = new GetItemCommand({
    TableName: env.TABLE_NAME,
    Key: { PK: { S: key.PK }, SK: { S: key.SK } },
  });
  // What API Gateway hands the function after the Cognito authorizer (claims as strings).
  const event = {
    resource: '/environments/{env_id}',
    path: `/environments/${created.id}`,
    httpMethod: 'GET',
    headers: { Authorization: `Bearer ${token}` },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { env_id: created.id },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: 'bench',
      authorizer: {
        claims: { sub: me.user_id, email: me.email, 'cognito:groups': 'Developers', token_use: 'id' },
      },
    },
  } as unknown as APIGatewayProxyEvent;
  const context = lambdaContext({
    functionName: 'environments',
    region: env.AWS_REGION ?? 'us-east-1',
    timeoutMs: 10_000,
  });

  const viaHandler: number[] = [];
  const viaGetItem: number[] = [];
  // Warm both paths (first calls open connections and load modules).
  for (let i = 0; i < 5; i++) {
    await handler(event, context);
    await raw.send(getItem);
  }
  for (let i = 0; i < iterations; i++) {
    let started = performance.now();
    const answer = await handler(event, context);
    viaHandler.push(performance.now() - started);
    if (answer.statusCode !== 200) throw new Error(`GET environment answered ${answer.statusCode}`);
    started = performance.now();
    await raw.send(getItem);
    viaGetItem.push(performance.now() - started);
  }
  raw.destroy();
  const figures = (values: number[]) => ({
    p50: round(percentile(values, 50), 2),
    p99: round(percentile(values, 99), 2),
  });
  const h = figures(viaHandler);
  const g = figures(viaGetItem);
  return {
    iterations,
    handler: h,
    getItem: g,
    p50Ratio: ratio(h.p50, g.p50),
    p99Ratio: ratio(h.p99, g.p99),
    p50OverheadMs: round(h.p50 - g.p50, 2),
  };
}
