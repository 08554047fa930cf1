/**
 * Routes of the `streams` function: a run's live Server-Sent Events stream (docs/decisions.md
 * §37). A function of its own, since a streaming handler's signature differs from the others'.
 */
import { DeploymentPath } from '../contract/deployments.ts';
import { OperationPath } from '../contract/operations.ts';
import { route, routeGroup } from '../route-types.ts';

/** What the stream's body holds (the OpenAPI description of its string schema). */
export const RUN_STREAM_DESCRIPTION = [
  'Server-Sent Events, one per state change of the run, in order, each with an increasing `id:`;',
  'reconnect with `Last-Event-ID` to get exactly the events after it. `data:` is one line of JSON.',
  'Events: `operation.started` {operation_id, kind, line}; `layer.started` {layer, phase (walk',
  'or rollback), stacks (those that run in it), line}; `stack.started` {stack, line};',
  '`stack.finished` {stack, action, resources, line}; `stack.failed` {stack, error, line};',
  '`stack.skipped` {stack, reason, line}; `log` {line} (any other log line; line is',
  '{timestamp, level, stack, message}); `progress` (the run record after a batch of lines: status,',
  'layer, layers, stacks_done, stacks for an operation); `end` (the final status, last event:',
  'status, outcome, error, finished_at, stacks (each stack’s final status, e.g. not_started),',
  'progress for an operation; status, error, version for a deployment); `reconnect` {retry_ms}',
  '(no id: the stream closed after about 14 minutes, reconnect with the last id). A',
  '`: keep-alive` comment is sent after 20 s without an event.',
].join(' ');

export const streamsRoutes = routeGroup('streams', {
  streamOperation: route({
    operationId: 'streamOperation',
    method: 'GET',
    path: '/operations/{op_id}/stream',
    needs: { table: 'read' },
    access: 'read',
    streaming: true,
    summary: 'A live stream (Server-Sent Events) of an operation: its lines, stacks, progress and end',
    tag: 'operations',
    request: { params: OperationPath },
    success: {
      status: 200,
      description: 'The run’s events until it ends',
      contentType: 'text/event-stream',
      contentDescription: RUN_STREAM_DESCRIPTION,
    },
    errors: [404],
  }),
  streamDeployment: route({
    operationId: 'streamDeployment',
    method: 'GET',
    path: '/deployments/{deployment_id}/stream',
    needs: { table: 'read' },
    access: 'read',
    streaming: true,
    summary: 'A live stream (Server-Sent Events) of a deployment: its lines, progress and end',
    tag: 'deployments',
    request: { params: DeploymentPath },
    success: {
      status: 200,
      description: 'The rollout’s events until it ends',
      contentType: 'text/event-stream',
      contentDescription: RUN_STREAM_DESCRIPTION,
    },
    errors: [404],
  }),
});
