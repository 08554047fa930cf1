/** GET /operations/{op_id}/stream — the operation's events as Server-Sent Events (§37). */

import { runStreamDeps } from '../../app/dependencies.ts';
import { openRun } from '../../domain/use-cases/run-stream.ts';
import { streamRoute } from '../http/streaming.ts';
import { streamsRoutes } from '../routes/streams.ts';

export const handler = streamRoute(streamsRoutes.streamOperation, runStreamDeps, ({ principal, params }) =>
  openRun(runStreamDeps, principal, { kind: 'operation', id: params.op_id }),
);
