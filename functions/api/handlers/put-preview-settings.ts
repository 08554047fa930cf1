/** PUT /projects/{project_id}/previews/settings */

import { previewDeps } from '../../app/dependencies.ts';
import { putPreviewSettings } from '../../domain/use-cases/previews.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { presentPreviewSettings } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

export const handler = auditedRoute(
  environmentsRoutes.putPreviewSettings,
  async ({ principal, params, body, baseUrl }) => {
    const settings = await putPreviewSettings(previewDeps, principal, params.project_id, body);
    return { statusCode: 200, body: presentPreviewSettings(settings, baseUrl) };
  },
);
