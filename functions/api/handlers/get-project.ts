/** GET /projects/{project_id} */

import { projectDeps } from '../../app/dependencies.ts';
import { getVisibleProject } from '../../domain/use-cases/projects.ts';
import { httpRoute } from '../http/http.ts';
import { etag, presentProject } from '../presenters.ts';
import { projectsRoutes } from '../routes/projects.ts';

export const handler = httpRoute(projectsRoutes.getProject, async ({ principal, params }) => {
  const project = await getVisibleProject(projectDeps, principal, params.project_id);
  return { statusCode: 200, body: presentProject(project), headers: etag(project) };
});
