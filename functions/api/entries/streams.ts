/**
 * The `streams` function: the routes of `routes/streams.ts`, each a streaming handler
 * (`awslambda.streamifyResponse`), dispatched by method and path like the other groups.
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { handler as streamDeployment } from '../handlers/stream-deployment.ts';
import { handler as streamOperation } from '../handlers/stream-operation.ts';
import type { StreamingHandler } from '../http/streaming.ts';
import { streamsRoutes } from '../routes/streams.ts';

const table = new Map<string, StreamingHandler>([
  [`${streamsRoutes.streamOperation.method} ${streamsRoutes.streamOperation.path}`, streamOperation],
  [`${streamsRoutes.streamDeployment.method} ${streamsRoutes.streamDeployment.path}`, streamDeployment],
]);

export const handler = awslambda.streamifyResponse(async (event: APIGatewayProxyEvent, stream, context) => {
  const route = table.get(`${event.httpMethod} ${event.resource}`);
  if (!route) {
    // API Gateway only sends this function its own routes: another one is a wiring defect.
    const out = awslambda.HttpResponseStream.from(stream, {
      statusCode: 404,
      headers: { 'content-type': 'application/json' },
    });
    out.end(
      JSON.stringify({
        detail: `Route not found: ${event.httpMethod} ${event.resource}`,
        error_code: 'NOT_FOUND',
        request_id: event.requestContext?.requestId ?? context.awsRequestId,
        timestamp: new Date().toISOString(),
      }),
    );
    return;
  }
  await route(event, stream, context);
});
