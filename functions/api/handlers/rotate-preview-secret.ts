/** POST /projects/{project_id}/previews/secret — the new secret, in this answer only. */

import { previewDeps } from '../../app/dependencies.ts';
import { rotatePreviewSecret } from '../../domain/use-cases/previews.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { presentPreviewSettings } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

export const handler = auditedRoute(
  environmentsRoutes.rotatePreviewSecret,
  async ({ principal, params, baseUrl }) => {
    const { settings, secret } = await rotatePreviewSecret(previewDeps, principal, params.project_id);
    return { statusCode: 200, body: { ...presentPreviewSettings(settings, baseUrl), secret } };
  },
);
