/**
 * POST /hooks/github/{project_id} — public: GitHub's `pull_request` deliveries, authenticated
 * by `X-Hub-Signature-256` over the raw body (docs/decisions.md §46). The signature is checked
 * before anything else is read; the delivery id is required after it. A delivery that acted is
 * audited in the name of the Git host (`github:<login>`), like any write.
 */

import { auditDeps, previewDeps } from '../../app/dependencies.ts';
import { nowIso } from '../../domain/ids.ts';
import { recordAuditEntry } from '../../domain/use-cases/audit.ts';
import { receiveHook, verifyHook } from '../../domain/use-cases/previews.ts';
import { logger } from '../../platform/observability.ts';
import { BadRequestError } from '../http/errors.ts';
import { httpRoute } from '../http/http.ts';
import { environmentsRoutes } from '../routes/environments.ts';

const route = environmentsRoutes.receiveGithubHook;

export const handler = httpRoute(route, async ({ params, headers, rawBody, requestId }) => {
  const hook = await verifyHook(previewDeps, params.project_id, rawBody, headers['x-hub-signature-256']);
  const deliveryId = headers['x-github-delivery'];
  if (!deliveryId || deliveryId.length > 128) {
    throw new BadRequestError(
      'The X-GitHub-Delivery header is required',
      [{ field: 'header.x-github-delivery', message: 'required (1–128 characters)' }],
      'INVALID_PARAMETER',
    );
  }
  const answer = await receiveHook(previewDeps, hook, {
    id: deliveryId,
    event: headers['x-github-event'],
    rawBody,
  });
  if (answer.actor) {
    try {
      await recordAuditEntry(auditDeps, {
        principal: answer.actor,
        action: route.operationId,
        method: route.method,
        path: `/hooks/github/${params.project_id}`,
        pathParameters: { env_id: answer.body.environment_id, project_id: params.project_id },
        status: answer.status,
        requestId,
        responseBody: answer.body,
        at: nowIso(),
      });
    } catch (error) {
      logger.warn('Audit entry not written', { error: error as Error, requestId, action: route.operationId });
    }
  }
  // A duplicate's answer is the first one, byte for byte (no replay header: GitHub ignores it).
  return { statusCode: answer.status, body: answer.body };
});
