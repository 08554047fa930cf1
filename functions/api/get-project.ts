/** GET /projects/{project_id} */
import { etag, presentProject } from '../domain/presenters.ts';
import { getVisibleProject } from '../domain/services/projects.ts';
import { projectStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { projectsRoutes } from './routes/projects.ts';

export const handler = httpRoute(projectsRoutes.getProject, async ({ principal, params }) => {
  const project = await getVisibleProject(projectStore, principal, params.project_id);
  return { statusCode: 200, body: presentProject(project), headers: etag(project) };
});
