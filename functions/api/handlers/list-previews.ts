/** GET /projects/{project_id}/previews */

import { previewDeps } from '../../app/dependencies.ts';
import { listPreviews } from '../../domain/use-cases/previews.ts';
import { httpRoute } from '../http/http.ts';
import { presentPreview } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

export const handler = httpRoute(environmentsRoutes.listPreviews, async ({ principal, params, query }) => {
  const page = await listPreviews(previewDeps, principal, params.project_id, query);
  return { statusCode: 200, body: { items: page.items.map(presentPreview), next_cursor: page.next_cursor } };
});
