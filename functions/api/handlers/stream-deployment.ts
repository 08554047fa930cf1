/** GET /deployments/{deployment_id}/stream — the deployment's events as Server-Sent Events (§37). */

import { runStreamDeps } from '../../app/dependencies.ts';
import { openRun } from '../../domain/use-cases/run-stream.ts';
import { streamRoute } from '../http/streaming.ts';
import { streamsRoutes } from '../routes/streams.ts';

export const handler = streamRoute(streamsRoutes.streamDeployment, runStreamDeps, ({ principal, params }) =>
  openRun(runStreamDeps, principal, { kind: 'deployment', id: params.deployment_id }),
);
