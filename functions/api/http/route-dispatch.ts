/**
 * The entry point of an API function: one Lambda function serves every route of its
 * group (docs/decisions.md §28). API Gateway keeps one method per route and puts the
 * method and the route's path template in the proxy event (`httpMethod`, `resource`); the
 * dispatcher finds the route's handler with the same route table the CDK stack and the
 * local gateway are built from, and calls it with the event unchanged.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteDefinition } from '../route-types.ts';
import { HttpError } from './errors.ts';
import { errorResponse, type RouteHandler } from './http.ts';

/** An API function's handler. */
export type ApiFunctionHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

const routeKey = (method: string, path: string): string => `${method} ${path}`;

/** Builds the handler of a group's function from its routes and their handlers (one per route). */
export function routeDispatcher<R extends Record<string, RouteDefinition>>(
  routes: R,
  handlers: { [K in keyof R]: RouteHandler },
): ApiFunctionHandler {
  const table = new Map<string, RouteHandler>();
  for (const [name, route] of Object.entries(routes)) {
    table.set(routeKey(route.method, route.path), handlers[name as keyof R]);
  }
  return async (event, context) => {
    const handler = table.get(routeKey(event.httpMethod, event.resource));
    if (!handler) {
      // API Gateway only sends this function its own routes: another one is a wiring defect.
      const requestId = event.requestContext?.requestId ?? context.awsRequestId;
      return errorResponse(
        new HttpError(404, 'NOT_FOUND', `Route not found: ${event.httpMethod} ${event.resource}`),
        requestId,
      );
    }
    return handler(event, context);
  };
}
