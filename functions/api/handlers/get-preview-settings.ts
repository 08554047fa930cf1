/** GET /projects/{project_id}/previews/settings — never the secret. */

import { previewDeps } from '../../app/dependencies.ts';
import { getPreviewSettings } from '../../domain/use-cases/previews.ts';
import { httpRoute } from '../http/http.ts';
import { presentPreviewSettings } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

export const handler = httpRoute(
  environmentsRoutes.getPreviewSettings,
  async ({ principal, params, baseUrl }) => {
    const settings = await getPreviewSettings(previewDeps, principal, params.project_id);
    return { statusCode: 200, body: presentPreviewSettings(settings, baseUrl) };
  },
);
